package cz.zoom.screenrec.protocol;

/**
 * A recording the client is still capturing when it says HELLO (its previous server went away).
 *
 * @param nextSegmentIndex index the client will give its next segment
 */
public record ActiveRecording(String recordingId, String callId, long startedAt, int nextSegmentIndex) {
  void validate() {
    Limits.requireRecordingId(recordingId);
    Limits.requireName("activeRecording.callId", callId);
    Limits.requireRange("activeRecording.nextSegmentIndex", nextSegmentIndex, 0, 1_000_000);
  }
}
