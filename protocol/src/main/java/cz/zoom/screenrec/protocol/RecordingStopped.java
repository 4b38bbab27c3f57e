package cz.zoom.screenrec.protocol;

/**
 * Client → server: a recording ended on the client (after STOP, or at the client's own bound).
 *
 * @param segmentCount how many segments the recording has; all of them are spooled for upload
 * @param endedAt capture time of the end of the recording (UTC ms, client clock)
 */
public record RecordingStopped(
    String recordingId, int segmentCount, long startedAt, long endedAt, String reason)
    implements ControlMessage {
  @Override
  public void validate() {
    Limits.requireRecordingId(recordingId);
    Limits.requireRange("segmentCount", segmentCount, 0, 1_000_000);
    Limits.requireText("reason", reason, false);
  }
}
