package cz.zoom.screenrec.protocol;

/** Server → client: reserved in version 1; a client answers ACK with ok=false. */
public record Pause(long seq, String recordingId) implements ControlMessage {
  @Override
  public void validate() {
    Limits.requireRecordingId(recordingId);
  }
}
