package cz.zoom.screenrec.server.recording;

/**
 * One stored segment of a recording, and which cluster received it.
 *
 * @param startedAt capture time its header gives (client clock), or null if not known
 */
public record Segment(
    String recordingId,
    int index,
    String sha256,
    long bytes,
    String clusterId,
    long receivedAt,
    Long startedAt) {

  public Segment(
      String recordingId, int index, String sha256, long bytes, String clusterId, long receivedAt) {
    this(recordingId, index, sha256, bytes, clusterId, receivedAt, null);
  }
}
