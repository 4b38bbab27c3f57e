package cz.zoom.screenrec.protocol;

/** Server → client: stop the recording; the client answers RECORDING_STOPPED. */
public record Stop(long seq, String recordingId) implements ControlMessage {
  @Override
  public void validate() {
    Limits.requireRecordingId(recordingId);
  }
}
