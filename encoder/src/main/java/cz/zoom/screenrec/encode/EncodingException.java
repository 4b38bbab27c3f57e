package cz.zoom.screenrec.encode;

import java.io.IOException;

/** An encode failed; the message says why in words fit for a recording's failure reason. */
public class EncodingException extends IOException {
  public EncodingException(String message) {
    super(message);
  }

  public EncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
