package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.trust.Evidence;
import cz.zoom.screenrec.trust.VerifyMain;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A READY recording carries a manifest signed by the cluster: it verifies offline against ca.pem,
 * and one changed byte in a segment or the manifest is found and named. The segments are the
 * archive: a video encoded later from them is not part of it.
 */
class EvidenceTest {
  @TempDir static Path dir;
  @TempDir static Path copies;
  static ServerFixture fx;
  static String id;
  static Path recordingDir;
  static Path evidence;
  static X509Certificate ca;

  @BeforeAll
  static void record() throws Exception {
    fx = new ServerFixture(dir);
    JsonNode rec =
        RecordedCalls.record(
            fx, "alice", "call-evidence", System.currentTimeMillis(), 0xFF0000, 0x00FF00);
    id = rec.get("id").asText();
    recordingDir = dir.resolve("media").resolve(id);
    HttpResponse<String> r = fx.get("/api/v1/recordings/" + id + "/evidence");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    evidence = Files.writeString(copies.resolve("evidence.json"), r.body());
    ca = ServerFixture.ca(dir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void theManifestNamesTheRecordingAndEveryPartAndVerifiesWithTheCa() throws Exception {
    JsonNode manifest =
        Json.MAPPER.readTree(
            Json.MAPPER.readTree(Files.readAllBytes(evidence)).get("manifest").asText());
    assertThat(manifest.get("recordingId").asText()).isEqualTo(id);
    assertThat(manifest.get("agent").asText()).isEqualTo("alice");
    assertThat(manifest.get("callId").asText()).isEqualTo("call-evidence");
    // the desktop that recorded it, as its certificate proved on the control port
    assertThat(manifest.get("desktopId").asText()).isEqualTo(fx.desktop().desktopId());
    assertThat(
            Json.MAPPER
                .readTree(fx.get("/api/v1/recordings/" + id).body())
                .get("desktopId")
                .asText())
        .isEqualTo(fx.desktop().desktopId());
    assertThat(manifest.get("segments").size()).isEqualTo(2);
    assertThat(manifest.has("video")).as("no video is encoded to become READY").isFalse();
    assertThat(Evidence.check(Files.readAllBytes(evidence), ca, Map.of())).isEmpty();
    assertThat(
            VerifyMain.run(
                new String[] {
                  "--ca",
                  dir.resolve("tls/ca.pem").toString(),
                  evidence.toString(),
                  recordingDir.toString()
                }))
        .isZero();
  }

  @Test
  void oneFlippedByteInEitherSegmentIsNamed() throws Exception {
    for (String name : new String[] {"segments/000000.seg", "segments/000001.seg"}) {
      Path copy = copies.resolve(Path.of(name).getFileName().toString());
      byte[] bytes = Files.readAllBytes(recordingDir.resolve(name));
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(copy, bytes);
      assertThat(
              Evidence.check(
                  Files.readAllBytes(evidence), ca, Map.of(copy.getFileName().toString(), copy)))
          .singleElement()
          .asString()
          .startsWith(copy.getFileName() + ": SHA-256");
      assertThat(
              VerifyMain.run(
                  new String[] {
                    "--ca",
                    dir.resolve("tls/ca.pem").toString(),
                    evidence.toString(),
                    copy.toString()
                  }))
          .isEqualTo(1);
    }
  }

  @Test
  void aChangedManifestOrAnotherCaFailsTheSignature() throws Exception {
    String text = Files.readString(evidence);
    Path forged =
        Files.writeString(copies.resolve("forged.json"), text.replace("alice", "mallory"));
    assertThat(Evidence.check(Files.readAllBytes(forged), ca, Map.of()))
        .anyMatch(p -> p.contains("signature does not match"));
    X509Certificate other =
        cz.zoom.screenrec.trust.CertificateAuthority.create("other", java.time.Duration.ofDays(1))
            .certificate();
    assertThat(Evidence.check(text.getBytes(StandardCharsets.UTF_8), other, Map.of()))
        .anyMatch(p -> p.contains("signature does not match"));
    assertThat(
            fx.get("/api/v1/recordings/00000000-0000-0000-0000-000000000000/evidence").statusCode())
        .isEqualTo(404);
  }
}
