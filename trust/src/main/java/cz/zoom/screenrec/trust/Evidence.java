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
 * Evidence: a manifest of what a recording, a call's audio or an export is made of, signed with the
 * cluster CA's key. The file holds the manifest as the exact text that was signed, so checking it
 * needs no canonical form: {@code {"manifest":"...","algorithm":"...","signature":"..."}}.
 *
 * <p>A recording's manifest names its agent, call, cluster, desktop and times, the SHA-256 of every
 * segment in order, chained, and of the video and thumbnail. The chain makes the order and the set
 * of segments part of what is signed: link {@code i} is SHA-256 of link {@code i-1} (hex) followed
 * by segment {@code i}'s SHA-256 (hex); link {@code -1} is SHA-256 of {@code "screenrec-evidence:"
 * + recordingId}. A call's audio names the stored file (and the browser copy when one was made). An
 * export names its file and carries the evidence of every recording and audio it was made from, so
 * one file shows what a reviewer was given and what it came from.
 */
public final class Evidence {
  public static final String RECORDING = "recording";
  public static final String AUDIO = "audio";
  public static final String EXPORT = "export";

  /** The parts a manifest may name besides segments, each {@code {file, sha256, bytes}}. */
  private static final List<String> PARTS =
      List.of("video", "thumbnail", "audio", "playable", "export");

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
   * Everything about {@code evidence} that does not match: its signature by {@code ca}, a
   * recording's chain, the evidence an export carries, and each of {@code files} (by file name:
   * {@code 000003.seg}, {@code video.webm}, {@code audio.wav}, {@code call-7.webm}) against the
   * hash the manifest holds for it. Empty when all is as signed.
   */
  public static List<String> check(byte[] evidence, X509Certificate ca, Map<String, Path> files) {
    return check(evidence, ca, files, true);
  }

  private static List<String> check(
      byte[] evidence, X509Certificate ca, Map<String, Path> files, boolean top) {
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
    String kind = manifest.path("kind").asText(RECORDING);
    if (kind.equals(RECORDING)) {
      checkChain(manifest, problems);
    }
    if (kind.equals(EXPORT) && !top) {
      problems.add("an export is not the source of another");
    } else if (kind.equals(EXPORT)) {
      for (JsonNode source : manifest.path("sources")) {
        String label = source.path("kind").asText() + " " + source.path("id").asText();
        if (!source.path("evidence").isTextual()) {
          problems.add("source " + label + ": stored before its cluster sealed media; no evidence");
          continue;
        }
        byte[] text = source.path("evidence").asText().getBytes(StandardCharsets.UTF_8);
        for (String p : check(text, ca, Map.of(), false)) {
          problems.add("source " + label + ": " + p);
        }
      }
    }
    for (Map.Entry<String, Path> f : files.entrySet()) {
      String expected = expectedSha(manifest, f.getKey());
      if (expected == null) {
        problems.add(f.getKey() + ": not part of this " + kind + "'s evidence");
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

  private static void checkChain(JsonNode manifest, List<String> problems) {
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
  }

  /** The file names the manifest holds a hash for (segments and parts). */
  public static List<String> fileNames(byte[] evidence) {
    List<String> names = new ArrayList<>();
    try {
      JsonNode manifest = JSON.readTree(JSON.readTree(evidence).path("manifest").asText());
      for (JsonNode s : manifest.path("segments")) {
        names.add(Path.of(s.path("file").asText()).getFileName().toString());
      }
      for (String part : PARTS) {
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
    for (String part : PARTS) {
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
