package cz.zoom.screenrec.protocol;

/** Either direction: the sender closes the connection right after this message. */
public record ErrorMessage(ErrorCode code, String message) implements ControlMessage {
  @Override
  public void validate() {
    if (code == null) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "code is required");
    }
    Limits.requireText("message", message, false);
  }
}
