package cz.zoom.screenrec.client.enrollment;

import cz.zoom.screenrec.client.ServerAddress;
import cz.zoom.screenrec.trust.Enroller;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags every desktop program shares (the Capture Client and the service): where the desktop's
 * credentials live, the token to enroll with when there are none, and the lab's way out of TLS.
 */
public final class TlsOptions {
  /**
   * Read when --enroll is not given, so deployment tools need not put the token on a command line.
   */
  public static final String ENROLL_TOKEN_ENV = "SCREENREC_ENROLL_TOKEN";

  @Option(
      names = "--enroll",
      paramLabel = "TOKEN",
      description =
          "Enroll this desktop with this token (the server's <data-dir>/enroll-token, or one from"
              + " POST /api/v1/enrollment-tokens) if it has no credentials yet; default: $"
              + ENROLL_TOKEN_ENV
              + ".")
  String enrollToken;

  @Option(
      names = "--enroll-url",
      paramLabel = "URL",
      description =
          "The server's HTTPS address to enroll at (default: https://<first -host>:8080).")
  URI enrollUrl;

  @Option(
      names = "--credentials",
      paramLabel = "DIR",
      description =
          "Where this desktop keeps its key and certificate (default: ~/.screenrec/credentials).")
  Path credentials;

  @Option(
      names = "--plaintext",
      description = "Speak in clear, to a lab server started with --plaintext only.")
  boolean plaintext;

  public static Path defaultCredentialsDir() {
    return Path.of(System.getProperty("user.home"), ".screenrec", "credentials");
  }

  /** This desktop's TLS: its credentials, enrolling first if it has none. */
  public DesktopTls resolve(List<ServerAddress> hosts, String machine)
      throws Enroller.EnrollmentException, InterruptedException {
    if (plaintext) {
      return DesktopTls.plaintext();
    }
    String token = enrollToken != null ? enrollToken : System.getenv(ENROLL_TOKEN_ENV);
    URI url =
        enrollUrl != null
            ? enrollUrl
            : URI.create("https://" + hostForUrl(hosts.get(0).host()) + ":8080");
    return DesktopTls.loadOrEnroll(
        credentials != null ? credentials : defaultCredentialsDir(), token, url, machine);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
