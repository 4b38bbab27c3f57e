package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.Fingerprint;
import cz.zoom.screenrec.trust.Pem;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment of desktops over the server's real HTTP port. */
class EnrollmentTest {
  @TempDir static Path dir;
  static ServerFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new ServerFixture(dir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void theFirstTokenIsInTheDataDirOwnerOnlyAndEnrollsADesktop() throws Exception {
    Path file = dir.resolve("enroll-token");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("tls/ca-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    EnrollmentToken token = EnrollmentToken.parse(Files.readString(file));
    X509Certificate ca = Pem.certificates(Files.readString(dir.resolve("tls/ca.pem"))).get(0);
    assertThat(token.caFingerprint()).isEqualTo(Fingerprint.of(ca));
    HttpResponse<String> served =
        fx.send(HttpRequest.newBuilder(URI.create(fx.base + "/enroll/v1/ca.pem")));
    assertThat(Fingerprint.of(Pem.certificates(served.body()).get(0)))
        .isEqualTo(token.caFingerprint());

    KeyPair desktop = CertificateAuthority.newKeyPair();
    HttpResponse<String> r =
        enroll(token.text(), Pem.of(CertificateAuthority.request(desktop, "x")), "WS-0042");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode body = ServerFixture.json(r);
    X509Certificate cert = Pem.certificates(body.get("certificate").asText()).get(0);
    assertThat(CertificateAuthority.commonName(cert)).isEqualTo(body.get("desktopId").asText());
    assertThat(cert.getPublicKey()).isEqualTo(desktop.getPublic());
    validates(cert, ca);

    JsonNode listed = ServerFixture.json(fx.get("/api/v1/desktops"));
    assertThat(listed.findValuesAsText("id")).contains(body.get("desktopId").asText());
    // the file's token enrolls any number of desktops: deployment tools hand it to every desktop
    assertThat(enroll(token.text(), request(), "WS-0043").statusCode()).isEqualTo(201);
  }

  @Test
  void aOneUseTokenEnrollsOneDesktopAndIsRefusedAfter() throws Exception {
    HttpResponse<String> minted =
        fx.post("/api/v1/enrollment-tokens", "{\"uses\":1,\"validHours\":2}");
    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
    String token = ServerFixture.json(minted).get("token").asText();
    assertThat(enroll(token, request(), "WS-1").statusCode()).isEqualTo(201);
    HttpResponse<String> again = enroll(token, request(), "WS-2");
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(ServerFixture.json(again).get("error").asText()).isEqualTo("enrollment_refused");
  }

  @Test
  void aWrongSecretAnotherClustersFingerprintOrGarbageIsRefused() throws Exception {
    EnrollmentToken good = EnrollmentToken.parse(Files.readString(dir.resolve("enroll-token")));
    EnrollmentToken wrongSecret =
        new EnrollmentToken(good.id(), "a".repeat(32), good.caFingerprint());
    EnrollmentToken otherCa = new EnrollmentToken(good.id(), good.secret(), "0".repeat(64));
    assertThat(enroll(wrongSecret.text(), request(), "WS-3").statusCode()).isEqualTo(401);
    assertThat(enroll(otherCa.text(), request(), "WS-3").statusCode()).isEqualTo(401);
    assertThat(enroll("not a token", request(), "WS-3").statusCode()).isEqualTo(401);
    assertThat(
            enroll(good.text(), "-----BEGIN CERTIFICATE REQUEST-----\nxx\n", "WS-3").statusCode())
        .isEqualTo(400);
    assertThat(enroll(good.text(), request(), "WS\n-forged log line").statusCode()).isEqualTo(400);
    assertThat(fx.send(enrollRequest("[1,2]")).statusCode()).isEqualTo(400);
    // minting needs the API token
    HttpResponse<String> anonymous =
        fx.send(
            HttpRequest.newBuilder(URI.create(fx.base + "/api/v1/enrollment-tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(fx.post("/api/v1/enrollment-tokens", "{\"uses\":0}").statusCode()).isEqualTo(400);
  }

  @Test
  void aRevokedDesktopIsListedAsRevoked() throws Exception {
    String token = Files.readString(dir.resolve("enroll-token")).strip();
    String id = ServerFixture.json(enroll(token, request(), "WS-9")).get("desktopId").asText();
    HttpResponse<String> revoked = fx.send(fx.api("/api/v1/desktops/" + id).DELETE());
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(ServerFixture.json(fx.get("/api/v1/desktops/" + id)).get("revokedAt").isNumber())
        .isTrue();
    assertThat(
            fx.send(fx.api("/api/v1/desktops/00000000-0000-0000-0000-000000000000").DELETE())
                .statusCode())
        .isEqualTo(404);
    assertThat(fx.send(fx.api("/api/v1/desktops/..").DELETE()).statusCode()).isIn(400, 404);
  }

  @Test
  void aRevokedTokenEnrollsNoMoreAndRevokingTheFirstWritesANewOne() throws Exception {
    String minted =
        ServerFixture.json(fx.post("/api/v1/enrollment-tokens", "{}")).get("token").asText();
    assertThat(revokeToken(EnrollmentToken.parse(minted).id()).statusCode()).isEqualTo(204);
    assertThat(enroll(minted, request(), "WS-20").statusCode()).isEqualTo(401);

    Path file = dir.resolve("enroll-token");
    String first = Files.readString(file).strip();
    assertThat(revokeToken(EnrollmentToken.parse(first).id()).statusCode()).isEqualTo(204);
    String next = Files.readString(file).strip();
    assertThat(next).isNotEqualTo(first);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(enroll(first, request(), "WS-21").statusCode()).isEqualTo(401);
    assertThat(enroll(next, request(), "WS-22").statusCode()).isEqualTo(201);

    assertThat(revokeToken("zzzzzz").statusCode()).isEqualTo(404);
    assertThat(revokeToken("..").statusCode()).isIn(400, 404);
    HttpResponse<String> anonymous =
        fx.send(
            HttpRequest.newBuilder(
                    URI.create(fx.base + "/api/v1/enrollment-tokens/" + next.substring(0, 6)))
                .DELETE());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(enroll(next, request(), "WS-23").statusCode()).isEqualTo(201);
  }

  private static HttpResponse<String> revokeToken(String id) throws Exception {
    return fx.send(fx.api("/api/v1/enrollment-tokens/" + id).DELETE());
  }

  private static String request() {
    return Pem.of(CertificateAuthority.request(CertificateAuthority.newKeyPair(), "desktop"));
  }

  private static HttpResponse<String> enroll(String token, String request, String machine)
      throws Exception {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("token", token).put("request", request).put("machine", machine);
    return fx.send(enrollRequest(body.toString()));
  }

  private static HttpRequest.Builder enrollRequest(String json) {
    return HttpRequest.newBuilder(URI.create(fx.base + "/enroll/v1/desktops"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private static void validates(X509Certificate cert, X509Certificate ca) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
  }
}
