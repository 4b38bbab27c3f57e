package cz.zoom.screenrec.protocol;

/**
 * A recording whose capture has ended but whose segments still wait in the client's spool (its
 * server or MUS went away). The server that receives it in HELLO takes the remaining segments.
 *
 * @param segmentCount total segments of the recording
 * @param originClusterId cluster that started the recording
 */
public record PendingRecording(
    String recordingId,
    String callId,
    long startedAt,
    long endedAt,
    int segmentCount,
    String originClusterId) {
  void validate() {
    Limits.requireRecordingId(recordingId);
    Limits.requireName("pendingRecordings.callId", callId);
    Limits.requireRange("pendingRecordings.segmentCount", segmentCount, 0, 1_000_000);
    Limits.requireName("pendingRecordings.originClusterId", originClusterId);
  }
}
