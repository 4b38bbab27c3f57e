package cz.zoom.screenrec.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Enrolls this desktop with a cluster: makes a key pair here, sends a certification request with
 * the token over HTTPS to a server that must show the CA the token names, and checks what comes
 * back before keeping it. The private key never leaves the desktop.
 */
public final class Enroller {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Enroller() {}

  /** Why enrollment did not happen, said for the person at the desktop. */
  public static final class EnrollmentException extends Exception {
    public EnrollmentException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param server the cluster's HTTPS base, e.g. {@code https://rec1:8080}
   */
  public static DesktopCredentials enroll(URI server, EnrollmentToken token, String machine)
      throws EnrollmentException, InterruptedException {
    KeyPair pair = CertificateAuthority.newKeyPair();
    String body =
        JSON.createObjectNode()
            .put("token", token.text())
            .put("request", Pem.of(CertificateAuthority.request(pair, "desktop")))
            .put("machine", machine)
            .toString();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(PinnedCa.context(token.caFingerprint()))
            .sslParameters(Tls.clientParameters())
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    URI url = server.resolve("/enroll/v1/desktops");
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new EnrollmentException("cannot enroll at " + url + ": " + e.getMessage(), e);
    }
    if (r.statusCode() != 201) {
      throw new EnrollmentException(
          "the server refused enrollment (" + r.statusCode() + "): " + message(r.body()), null);
    }
    try {
      JsonNode answer = JSON.readTree(r.body());
      X509Certificate certificate = Pem.certificates(answer.path("certificate").asText()).get(0);
      X509Certificate ca = Pem.certificates(answer.path("ca").asText()).get(0);
      if (!Fingerprint.same(Fingerprint.of(ca), token.caFingerprint())) {
        throw new EnrollmentException(
            "the server answered with a CA the token does not name", null);
      }
      if (!certificate.getPublicKey().equals(pair.getPublic())) {
        throw new EnrollmentException("the server certified another key than this desktop's", null);
      }
      return new DesktopCredentials(
          answer.path("desktopId").asText(), pair.getPrivate(), certificate, ca);
    } catch (IOException | IllegalArgumentException e) {
      throw new EnrollmentException("the server's answer is not a certificate: " + e, e);
    }
  }

  private static String message(String body) {
    try {
      return JSON.readTree(body).path("message").asText(body);
    } catch (IOException e) {
      return body.length() > 200 ? body.substring(0, 200) : body;
    }
  }
}
