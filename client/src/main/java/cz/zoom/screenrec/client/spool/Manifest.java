package cz.zoom.screenrec.client.spool;

/**
 * What the uploader needs to know about a spooled recording, kept next to its segments so that it
 * survives a client restart.
 *
 * @param finalIndex index of the recording's last segment, or null while it is still being captured
 * @param originClusterId cluster (WELCOME clusterId) of the session that started the recording;
 *     null in manifests written before the client knew it
 * @param endedAt client time its capture ended, once it has; null before, and in older manifests
 */
public record Manifest(
    String recordingId,
    String callId,
    String agent,
    String uploadUrl,
    String uploadToken,
    long startedAt,
    Integer finalIndex,
    String originClusterId,
    Long endedAt) {

  /** A recording of unknown origin that is still being captured. */
  public Manifest(
      String recordingId,
      String callId,
      String agent,
      String uploadUrl,
      String uploadToken,
      long startedAt,
      Integer finalIndex) {
    this(recordingId, callId, agent, uploadUrl, uploadToken, startedAt, finalIndex, null, null);
  }

  public Manifest withUpload(String url, String token) {
    return new Manifest(
        recordingId, callId, agent, url, token, startedAt, finalIndex, originClusterId, endedAt);
  }

  public Manifest withFinalIndex(int index) {
    return new Manifest(
        recordingId,
        callId,
        agent,
        uploadUrl,
        uploadToken,
        startedAt,
        index,
        originClusterId,
        endedAt);
  }

  public Manifest withEndedAt(long time) {
    return new Manifest(
        recordingId,
        callId,
        agent,
        uploadUrl,
        uploadToken,
        startedAt,
        finalIndex,
        originClusterId,
        time);
  }

  /** True once the final segment is known: nothing more will be captured into this recording. */
  public boolean captureEnded() {
    return finalIndex != null;
  }

  @Override
  public String toString() {
    // the token stays out of logs
    return "Manifest["
        + recordingId
        + ", call "
        + callId
        + ", agent "
        + agent
        + ", "
        + uploadUrl
        + ", finalIndex "
        + finalIndex
        + ", origin "
        + originClusterId
        + "]";
  }
}
