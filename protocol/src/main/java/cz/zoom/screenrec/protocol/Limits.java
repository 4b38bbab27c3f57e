package cz.zoom.screenrec.protocol;

import java.util.regex.Pattern;

/** Bounds every peer enforces on what it receives. Documented in docs/protocol.md. */
public final class Limits {
  /** Version of the control protocol spoken by this build. */
  public static final int PROTOCOL_VERSION = 2;

  /** Largest frame payload in bytes (length prefix excluded). */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  public static final int MAX_NAME_LENGTH = 128;
  public static final int MAX_TEXT_LENGTH = 1024;
  public static final int MAX_SCREENS = 16;

  /**
   * Most messages a client may send in one heartbeat interval beyond two for each command the
   * server sent it in that interval or the one before (its ACK and a RECORDING_STOPPED): a
   * HEARTBEAT and a HELLO fit many times over, a flood does not, and is closed with {@link
   * ErrorCode#RATE_LIMITED}.
   */
  public static final int MAX_MESSAGES_PER_HEARTBEAT_INTERVAL = 20;

  /**
   * Agent names, call ids and cluster ids: letters, digits and {@code . _ @ : -}, 1..128
   * characters, not only dots: names become path components, where "." and ".." mean directories.
   */
  public static final Pattern NAME = Pattern.compile("(?!\\.+$)[A-Za-z0-9._@:-]{1,128}");

  /** Recording ids are UUIDs in canonical lower-case form. */
  public static final Pattern RECORDING_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Limits() {}

  public static String requireName(String field, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new ProtocolException(
          ErrorCode.BAD_MESSAGE,
          field + " must be 1-128 characters of letters, digits and . _ @ : -, not only dots");
    }
    return value;
  }

  public static String requireRecordingId(String value) {
    if (value == null || !RECORDING_ID.matcher(value).matches()) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "recordingId must be a lower-case UUID");
    }
    return value;
  }

  public static String requireText(String field, String value, boolean required) {
    if (value == null) {
      if (required) {
        throw new ProtocolException(ErrorCode.BAD_MESSAGE, field + " is required");
      }
      return null;
    }
    if (required && value.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, field + " must not be empty");
    }
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new ProtocolException(
          ErrorCode.BAD_MESSAGE, field + " is longer than " + MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }

  public static void requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ProtocolException(
          ErrorCode.BAD_MESSAGE,
          field + " must be between " + min + " and " + max + ", was " + value);
    }
  }
}
