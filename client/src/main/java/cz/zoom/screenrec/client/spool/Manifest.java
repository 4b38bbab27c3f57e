package cz.zoom.screenrec.client.spool;

/**
 * What the uploader needs to know about a spooled recording, kept next to its segments so that it
 * survives a client restart.
 *
 * @param finalIndex index of the recording's last segment, or null while it is still being captured
 */
public record Manifest(String recordingId, String callId, String agent, String uploadUrl, String uploadToken,
    long startedAt, Integer finalIndex) {

  public Manifest withUpload(String url, String token) {
    return new Manifest(recordingId, callId, agent, url, token, startedAt, finalIndex);
  }

  public Manifest withFinalIndex(int index) {
    return new Manifest(recordingId, callId, agent, uploadUrl, uploadToken, startedAt, index);
  }

  @Override
  public String toString() {
    // the token stays out of logs
    return "Manifest[" + recordingId + ", call " + callId + ", agent " + agent + ", " + uploadUrl
        + ", finalIndex " + finalIndex + "]";
  }
}
