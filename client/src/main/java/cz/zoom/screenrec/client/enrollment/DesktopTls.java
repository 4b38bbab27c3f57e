package cz.zoom.screenrec.client.enrollment;

import cz.zoom.screenrec.trust.DesktopCredentials;
import cz.zoom.screenrec.trust.Enroller;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this desktop speaks to the servers: TLS showing its enrolled certificate and trusting only
 * servers of the CA it enrolled with, on the control connection and on uploads alike; or, against a
 * lab server started with {@code --plaintext}, in clear.
 */
public final class DesktopTls {
  private static final Logger log = LoggerFactory.getLogger(DesktopTls.class);

  private final DesktopCredentials credentials;
  private final SslContext control;

  private DesktopTls(DesktopCredentials credentials) {
    this.credentials = credentials;
    try {
      this.control =
          credentials == null
              ? null
              : SslContextBuilder.forClient()
                  .keyManager(credentials.key(), credentials.certificate())
                  .trustManager(credentials.ca())
                  .protocols(Tls.PROTOCOLS)
                  .ciphers(Tls.CIPHER_SUITES)
                  .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS with " + credentials, e);
    }
  }

  /** In clear: only against a server started with --plaintext. */
  public static DesktopTls plaintext() {
    return new DesktopTls(null);
  }

  public static DesktopTls of(DesktopCredentials credentials) {
    return new DesktopTls(credentials);
  }

  /**
   * The desktop's credentials from {@code dir}; when there are none yet, it enrolls first with
   * {@code token} at {@code server} and keeps what it gets there. Later starts need no token.
   */
  public static DesktopTls loadOrEnroll(Path dir, String token, URI server, String machine)
      throws Enroller.EnrollmentException, InterruptedException {
    if (DesktopCredentials.existIn(dir)) {
      DesktopCredentials c = DesktopCredentials.load(dir);
      log.info("{} (credentials in {})", c, dir);
      return of(c);
    }
    if (token == null || token.isBlank()) {
      throw new Enroller.EnrollmentException(
          "this desktop is not enrolled: no credentials in "
              + dir
              + "; start once with --enroll TOKEN (or SCREENREC_ENROLL_TOKEN), the token from the"
              + " server's <data-dir>/enroll-token or POST /api/v1/enrollment-tokens",
          null);
    }
    EnrollmentToken parsed;
    try {
      parsed = EnrollmentToken.parse(token);
    } catch (IllegalArgumentException e) {
      throw new Enroller.EnrollmentException(e.getMessage(), e);
    }
    DesktopCredentials c = Enroller.enroll(server, parsed, machine);
    c.save(dir);
    log.info("enrolled as {} at {} with {}; credentials kept in {}", c, server, parsed, dir);
    return of(c);
  }

  public boolean isPlaintext() {
    return credentials == null;
  }

  /** The desktop's id, or null in clear. */
  public String desktopId() {
    return credentials == null ? null : credentials.desktopId();
  }

  /** A handler for a control connection to {@code host}, whose name the certificate must cover. */
  public SslHandler controlHandler(ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = control.newHandler(alloc, host, port);
    SSLParameters p = handler.engine().getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    handler.engine().setSSLParameters(p);
    return handler;
  }

  /** Sets up an HTTP client for uploads to the servers' Media Upload Server. */
  public HttpClient.Builder https(HttpClient.Builder http) {
    return credentials == null
        ? http
        : http.sslContext(credentials.sslContext()).sslParameters(Tls.clientParameters());
  }

  @Override
  public String toString() {
    return credentials == null ? "in clear (--plaintext)" : "TLS as " + credentials;
  }
}
