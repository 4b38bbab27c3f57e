package cz.zoom.screenrec.protocol;

/**
 * Server → client: capture with these settings from now on (also in a recording already running,
 * from its next frame). The client answers ACK.
 */
public record Configure(long seq, CaptureSettings capture) implements ControlMessage {
  @Override
  public void validate() {
    if (capture == null) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "capture is required");
    }
    capture.validate();
  }
}
