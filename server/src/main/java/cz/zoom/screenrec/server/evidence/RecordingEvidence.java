package cz.zoom.screenrec.server.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.encode.EncodedVideo;
import cz.zoom.screenrec.server.encode.EncodeWorkers;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.Evidence;
import cz.zoom.screenrec.trust.Fingerprint;
import cz.zoom.screenrec.trust.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Seals a recording when it becomes READY: {@code <recording dir>/evidence.json}, a manifest of its
 * agent, call, cluster, times, every segment's SHA-256 in order and chained, and the video's and
 * thumbnail's, signed with the cluster CA's key (docs/security.md). The hashes are taken from the
 * files on disk, so the manifest says what is stored, not what a client claimed.
 */
public final class RecordingEvidence implements EncodeWorkers.Seal {
  public static final String FILE = "evidence.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CertificateAuthority ca;
  private final LocalMediaStore media;
  private final String clusterId;
  private final Clock clock;

  public RecordingEvidence(
      CertificateAuthority ca, LocalMediaStore media, String clusterId, Clock clock) {
    this.ca = ca;
    this.media = media;
    this.clusterId = clusterId;
    this.clock = clock;
  }

  @Override
  public void seal(Recording r, List<Segment> segments, EncodedVideo video, long from, long to)
      throws IOException {
    Path dir = media.recordingDir(r.id());
    ObjectNode m = JSON.createObjectNode();
    m.put("version", 1);
    m.put("recordingId", r.id());
    m.put("agent", r.agent());
    m.put("desktopId", r.desktopId());
    m.put("callId", r.callId());
    m.put("clusterId", clusterId);
    m.put("recordedByCluster", r.clusterId());
    m.put("videoFrom", from);
    m.put("videoTo", to);
    m.put("sealedAt", clock.millis());
    ArrayNode list = m.putArray("segments");
    String link = Evidence.chainStart(r.id());
    for (Segment s : segments) {
      Path file = media.segmentPath(r.id(), s.index());
      String sha = Fingerprint.sha256(Files.readAllBytes(file));
      link = Evidence.link(link, sha);
      list.addObject()
          .put("index", s.index())
          .put("file", dir.relativize(file).toString())
          .put("sha256", sha)
          .put("bytes", Files.size(file))
          .put("chain", link);
    }
    m.put("chainEnd", link);
    m.set("video", part(dir, video.video()));
    m.set("thumbnail", part(dir, video.thumbnail()));
    OwnerOnly.write(dir.resolve(FILE), new String(Evidence.seal(m, ca), StandardCharsets.UTF_8));
  }

  private static ObjectNode part(Path dir, Path file) throws IOException {
    return JSON.createObjectNode()
        .put("file", dir.relativize(file).toString())
        .put("sha256", Fingerprint.sha256(Files.readAllBytes(file)))
        .put("bytes", Files.size(file));
  }
}
