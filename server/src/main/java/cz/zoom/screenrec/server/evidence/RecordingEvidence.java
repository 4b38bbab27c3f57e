package cz.zoom.screenrec.server.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.server.ready.ReadyWorker;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.trust.Evidence;
import cz.zoom.screenrec.trust.Fingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Seals a recording when it becomes READY: {@code <recording dir>/evidence.json}, a manifest of its
 * agent, call, desktop, times and every segment's SHA-256 in order and chained (docs/security.md).
 * The segments are the archive: a video encoded later is a copy made from them, and an export of it
 * carries this evidence. The hashes are taken from the files on disk, so the manifest says what is
 * stored, not what a client claimed.
 */
public final class RecordingEvidence implements ReadyWorker.Seal {
  public static final String FILE = "evidence.json";

  private final Sealer sealer;
  private final LocalMediaStore media;

  public RecordingEvidence(Sealer sealer, LocalMediaStore media) {
    this.sealer = sealer;
    this.media = media;
  }

  @Override
  public void seal(Recording r, List<Segment> segments, long from, long to) throws IOException {
    Path dir = media.recordingDir(r.id());
    ObjectNode m = sealer.manifest(Evidence.RECORDING);
    m.put("recordingId", r.id());
    m.put("agent", r.agent());
    m.put("desktopId", r.desktopId());
    m.put("callId", r.callId());
    m.put("recordedByCluster", r.clusterId());
    m.put("videoFrom", from);
    m.put("videoTo", to);
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
    sealer.write(m, dir.resolve(FILE));
  }
}
