package cz.zoom.screenrec.protocol;

/** A peer broke the protocol; the receiver answers ERROR with {@link #code()} and closes. */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
