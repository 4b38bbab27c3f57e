package cz.zoom.screenrec.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A recording's evidence: a manifest of what it is made of (agent, call, cluster, desktop, times,
 * the SHA-256 of every segment in order, chained, and of the video and thumbnail), signed with the
 * cluster CA's key. The file holds the manifest as the exact text that was signed, so checking it
 * needs no canonical form: {@code {"manifest":"...","algorithm":"...","signature":"..."}}.
 *
 * <p>The chain makes the order and the set of segments part of what is signed: link {@code i} is
 * SHA-256 of link {@code i-1} (hex) followed by segment {@code i}'s SHA-256 (hex); link {@code -1}
 * is SHA-256 of {@code "screenrec-evidence:" + recordingId}.
 */
public final class Evidence {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Evidence() {}

  /** The chain's start for a recording. */
  public static String chainStart(String recordingId) {
    return Fingerprint.sha256(
        ("screenrec-evidence:" + recordingId).getBytes(StandardCharsets.UTF_8));
  }

  /** The link after {@code previous} for a segment with this SHA-256. */
  public static String link(String previous, String segmentSha256) {
    return Fingerprint.sha256((previous + segmentSha256).getBytes(StandardCharsets.US_ASCII));
  }

  /** The evidence file for {@code manifest} (a JSON object), signed by {@code ca}. */
  public static byte[] seal(ObjectNode manifest, CertificateAuthority ca) {
    String text = manifest.toString();
    ObjectNode file = JSON.createObjectNode();
    file.put("manifest", text);
    file.put("algorithm", CertificateAuthority.algorithm(ca.key()));
    file.put(
        "signature",
        Base64.getEncoder().encodeToString(ca.sign(text.getBytes(StandardCharsets.UTF_8))));
    return file.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Everything about {@code evidence} that does not match: its signature by {@code ca}, its chain,
   * and each of {@code files} (by file name: {@code 000003.seg}, {@code video.webm}, {@code
   * thumbnail.jpg}) against the hash the manifest holds for it. Empty when all is as signed.
   */
  public static List<String> check(byte[] evidence, X509Certificate ca, Map<String, Path> files) {
    List<String> problems = new ArrayList<>();
    JsonNode file;
    JsonNode manifest;
    try {
      file = JSON.readTree(evidence);
      manifest = JSON.readTree(file.path("manifest").asText());
    } catch (IOException | RuntimeException e) {
      problems.add("the evidence file is not an evidence manifest: " + e.getMessage());
      return problems;
    }
    if (!signedBy(file, ca)) {
      problems.add(
          "the manifest's signature does not match the CA (changed, or signed by another)");
    }
    String link = chainStart(manifest.path("recordingId").asText());
    int expectedIndex = 0;
    for (JsonNode s : manifest.path("segments")) {
      link = link(link, s.path("sha256").asText());
      if (s.path("index").asInt(-1) != expectedIndex++) {
        problems.add("segment list out of order at " + s.path("index").asText());
      }
      if (!link.equals(s.path("chain").asText())) {
        problems.add("segment " + s.path("index").asText() + ": the chain breaks here");
      }
    }
    if (!link.equals(manifest.path("chainEnd").asText())) {
      problems.add("the chain's end does not match the segments listed");
    }
    for (Map.Entry<String, Path> f : files.entrySet()) {
      String expected = expectedSha(manifest, f.getKey());
      if (expected == null) {
        problems.add(f.getKey() + ": not part of this recording's evidence");
        continue;
      }
      try {
        String actual = Fingerprint.sha256(Files.readAllBytes(f.getValue()));
        if (!actual.equals(expected)) {
          problems.add(f.getKey() + ": SHA-256 " + actual + ", the manifest says " + expected);
        }
      } catch (IOException e) {
        problems.add(f.getKey() + ": cannot read " + f.getValue() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /** The file names the manifest holds a hash for (segments, video, thumbnail). */
  public static List<String> fileNames(byte[] evidence) {
    List<String> names = new ArrayList<>();
    try {
      JsonNode manifest = JSON.readTree(JSON.readTree(evidence).path("manifest").asText());
      for (JsonNode s : manifest.path("segments")) {
        names.add(Path.of(s.path("file").asText()).getFileName().toString());
      }
      for (String part : List.of("video", "thumbnail")) {
        if (manifest.path(part).has("file")) {
          names.add(manifest.path(part).path("file").asText());
        }
      }
    } catch (IOException | RuntimeException e) {
      // check() says what is wrong with the file
    }
    return names;
  }

  private static String expectedSha(JsonNode manifest, String name) {
    for (JsonNode s : manifest.path("segments")) {
      if (s.path("file").asText().endsWith("/" + name) || s.path("file").asText().equals(name)) {
        return s.path("sha256").asText();
      }
    }
    for (String part : List.of("video", "thumbnail")) {
      JsonNode p = manifest.path(part);
      if (p.path("file").asText().equals(name)) {
        return p.path("sha256").asText();
      }
    }
    return null;
  }

  private static boolean signedBy(JsonNode file, X509Certificate ca) {
    try {
      Signature s = Signature.getInstance(file.path("algorithm").asText());
      s.initVerify(ca.getPublicKey());
      s.update(file.path("manifest").asText().getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getDecoder().decode(file.path("signature").asText()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
