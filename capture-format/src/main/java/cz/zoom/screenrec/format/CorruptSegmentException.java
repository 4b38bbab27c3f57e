package cz.zoom.screenrec.format;

import java.io.IOException;

/** The segment's header is unreadable, so nothing in it can be decoded. */
public final class CorruptSegmentException extends IOException {
  public CorruptSegmentException(String message) {
    super(message);
  }
}
