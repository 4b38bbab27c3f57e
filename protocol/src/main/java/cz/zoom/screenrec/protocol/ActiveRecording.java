package cz.zoom.screenrec.protocol;

/**
 * A recording the client is still capturing when it says HELLO (its previous server went away).
 *
 * @param nextSegmentIndex index the client will give its next segment
 * @param originClusterId cluster that started the recording, or null if the client does not say
 */
public record ActiveRecording(
    String recordingId,
    String callId,
    long startedAt,
    int nextSegmentIndex,
    String originClusterId) {

  public ActiveRecording(String recordingId, String callId, long startedAt, int nextSegmentIndex) {
    this(recordingId, callId, startedAt, nextSegmentIndex, null);
  }

  void validate() {
    if (originClusterId != null) {
      Limits.requireName("activeRecording.originClusterId", originClusterId);
    }
    Limits.requireRecordingId(recordingId);
    Limits.requireName("activeRecording.callId", callId);
    Limits.requireRange("activeRecording.nextSegmentIndex", nextSegmentIndex, 0, 1_000_000);
  }
}
