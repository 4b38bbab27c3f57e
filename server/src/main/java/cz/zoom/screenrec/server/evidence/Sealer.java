package cz.zoom.screenrec.server.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.Evidence;
import cz.zoom.screenrec.trust.Fingerprint;
import cz.zoom.screenrec.trust.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Signs this cluster's evidence manifests (a recording, a call's audio, an export) with the cluster
 * CA's key. Every manifest starts the same way, {@code version, kind, clusterId, sealedAt}, and
 * names each file it vouches for as a part: its file name, SHA-256 and size, read from disk.
 */
public final class Sealer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CertificateAuthority ca;
  private final String clusterId;
  private final Clock clock;

  public Sealer(CertificateAuthority ca, String clusterId, Clock clock) {
    this.ca = ca;
    this.clusterId = clusterId;
    this.clock = clock;
  }

  /** A new manifest of {@code kind} ({@link Evidence#RECORDING}, {@link Evidence#AUDIO}, ...). */
  public ObjectNode manifest(String kind) {
    ObjectNode m = JSON.createObjectNode();
    m.put("version", 1);
    m.put("kind", kind);
    m.put("clusterId", clusterId);
    m.put("sealedAt", clock.millis());
    return m;
  }

  /** A part: {@code file} as the manifest names it (what it is called where it is handed out). */
  public static ObjectNode part(String name, Path file) throws IOException {
    return JSON.createObjectNode()
        .put("file", name)
        .put("sha256", Fingerprint.sha256(Files.readAllBytes(file)))
        .put("bytes", Files.size(file));
  }

  /** Signs {@code manifest} and writes the evidence file, owner-only. */
  public void write(ObjectNode manifest, Path file) {
    OwnerOnly.write(file, new String(Evidence.seal(manifest, ca), StandardCharsets.UTF_8));
  }
}
