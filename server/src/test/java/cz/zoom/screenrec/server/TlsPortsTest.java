package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.DesktopCredentials;
import cz.zoom.screenrec.trust.Enroller;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.Pem;
import cz.zoom.screenrec.trust.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both ports as a server starts by default: TLS with the cluster CA it made, the control port open
 * only to enrolled desktops. Each refusal next to the path that works, over real sockets.
 */
class TlsPortsTest {
  @TempDir static Path dir;
  @TempDir static Path otherDir;
  static ServerFixture fx;
  static ServerFixture other;

  @BeforeAll
  static void start() throws Exception {
    fx = new ServerFixture(dir);
    other = new ServerFixture(otherDir, ServerConfig.builder().clusterId("other"));
  }

  @AfterAll
  static void stop() {
    fx.close();
    other.close();
  }

  @Test
  void anEnrolledDesktopIsWelcomedAndAuditedWithTheAgentsItClaims() throws Exception {
    try (TestAgent desktop = fx.agent()) {
      desktop.send(TestAgent.hello("alice"));
      assertThat(desktop.receive(Welcome.class).clusterId()).isEqualTo("default");
    }
    JsonNode listed = ServerFixture.json(fx.get("/api/v1/desktops/" + fx.desktop().desktopId()));
    assertThat(listed.get("agents").toString()).contains("alice");
    assertThat(listed.get("lastSeenAt").isNumber()).isTrue();
  }

  @Test
  void aPlaintextClientOfVersion1HearsWhyInClearAndIsClosed() throws Exception {
    try (TestAgent plain = new TestAgent(fx.server.controlPort())) {
      plain.send(TestAgent.hello("alice"));
      ErrorMessage error = plain.receive(ErrorMessage.class);
      assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
      assertThat(error.message()).contains("TLS", "enroll");
      assertThat(plain.closedByPeer()).isTrue();
    }
  }

  @Test
  void tlsWithoutADesktopCertificateOrWithOneOfAnotherCaIsRefused() throws Exception {
    X509Certificate ca = ServerFixture.ca(dir);
    SSLContext anonymous = Tls.clientContext(List.of(ca), null, null);
    assertRefused(anonymous);

    CertificateAuthority stranger = CertificateAuthority.create("stranger", Duration.ofDays(1));
    KeyPair key = CertificateAuthority.newKeyPair();
    X509Certificate forged =
        stranger.issueDesktop(
            CertificateAuthority.request(key, "x"), fx.desktop().desktopId(), Duration.ofDays(1));
    assertRefused(Tls.clientContext(List.of(ca), key.getPrivate(), List.of(forged)));
  }

  @Test
  void anExpiredDesktopCertificateOfTheClusterCaIsRefused() throws Exception {
    CertificateAuthority clusterCa =
        new CertificateAuthority(
            ServerFixture.ca(dir),
            Pem.privateKey(Files.readString(dir.resolve("tls").resolve("ca-key.pem"))));
    KeyPair key = CertificateAuthority.newKeyPair();
    // valid from an hour ago until half an hour ago
    X509Certificate expired =
        clusterCa.issueDesktop(
            CertificateAuthority.request(key, "x"),
            fx.desktop().desktopId(),
            Duration.ofMinutes(-30));
    assertThat(expired.getNotAfter().toInstant()).isBefore(java.time.Instant.now());
    assertRefused(
        Tls.clientContext(List.of(ServerFixture.ca(dir)), key.getPrivate(), List.of(expired)));
  }

  @Test
  void aRevokedDesktopIsClosedAtOnceAndRefusedAfter() throws Exception {
    DesktopCredentials revoked =
        Enroller.enroll(
            URI.create(fx.base),
            EnrollmentToken.parse(Files.readString(dir.resolve("enroll-token"))),
            "WS-revoked");
    try (TestAgent live = new TestAgent(fx.server.controlPort(), revoked.sslContext())) {
      live.send(TestAgent.hello("bruno"));
      live.receive(Welcome.class);
      HttpResponse<String> r = fx.send(fx.api("/api/v1/desktops/" + revoked.desktopId()).DELETE());
      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(live.receive(ErrorMessage.class).code()).isEqualTo(ErrorCode.DESKTOP_REVOKED);
      assertThat(live.closedByPeer()).isTrue();
    }
    await()
        .untilAsserted(
            () -> assertThat(ServerFixture.json(fx.get("/api/v1/agents")).size()).isZero());
    try (TestAgent again = new TestAgent(fx.server.controlPort(), revoked.sslContext())) {
      again.send(TestAgent.hello("bruno"));
      assertThat(again.receive(ErrorMessage.class).code()).isEqualTo(ErrorCode.DESKTOP_REVOKED);
    }
  }

  @Test
  void aDesktopRefusesAServerOfAnotherCaEvenWithAValidToken() throws Exception {
    EnrollmentToken token = EnrollmentToken.parse(Files.readString(dir.resolve("enroll-token")));
    // the other server stands in for a man in the middle: a certificate of its own CA
    assertThatThrownBy(() -> Enroller.enroll(URI.create(other.base), token, "WS-mitm"))
        .isInstanceOf(Enroller.EnrollmentException.class)
        .hasMessageContaining("cannot enroll");
    assertThatThrownBy(() -> new TestAgent(other.server.controlPort(), fx.desktop().sslContext()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theHttpPortSpeaksOnlyHttps() throws Exception {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI inClear = URI.create(fx.base.replace("https://", "http://") + "/healthz");
    int status;
    try {
      status =
          plain
              .send(HttpRequest.newBuilder(inClear).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode();
    } catch (IOException refused) {
      status = -1;
    }
    assertThat(status).isNotEqualTo(200);
    assertThat(fx.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void theControlPortSpeaksTls13OrTls12WithAeadSuitesOnly() throws Exception {
    SSLContext desktop = fx.desktop().sslContext();
    assertThat(handshake(desktop, "TLSv1.3", null)).isEqualTo("TLSv1.3");
    assertThat(handshake(desktop, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
        .isEqualTo("TLSv1.2");
    assertThatThrownBy(
            () -> handshake(desktop, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
        .isInstanceOf(IOException.class);
  }

  /** The protocol a handshake offering only {@code protocol} (and {@code suite}) ends with. */
  private static String handshake(SSLContext tls, String protocol, String suite)
      throws IOException {
    try (javax.net.ssl.SSLSocket s =
        (javax.net.ssl.SSLSocket)
            tls.getSocketFactory().createSocket("127.0.0.1", fx.server.controlPort())) {
      s.setSoTimeout(10_000);
      s.setEnabledProtocols(new String[] {protocol});
      if (suite != null) {
        s.setEnabledCipherSuites(new String[] {suite});
      }
      s.startHandshake();
      return s.getSession().getProtocol();
    }
  }

  private static void assertRefused(SSLContext tls) {
    assertThatThrownBy(
            () -> {
              try (TestAgent agent = new TestAgent(fx.server.controlPort(), tls)) {
                agent.send(TestAgent.hello("mallory"));
                agent.receive(); // TLS 1.3 reports a refused client certificate on the first read
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(fx.server.controlPort()).isPositive();
  }
}
