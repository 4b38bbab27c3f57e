package cz.zoom.screenrec.protocol;

/** Error codes carried by {@link ErrorMessage}. Every one of them is followed by a close. */
public enum ErrorCode {
  /** The frame length is zero, or the payload is not a JSON object. */
  BAD_FRAME,
  /** The frame length exceeds {@link Limits#MAX_FRAME_BYTES}. */
  FRAME_TOO_LARGE,
  /** The {@code type} member is missing or names no known message. */
  UNKNOWN_TYPE,
  /** A field is missing, has the wrong type, or is out of bounds. */
  BAD_MESSAGE,
  /** HELLO asked for a protocol version this peer does not speak. */
  UNSUPPORTED_VERSION,
  /** The agent name in HELLO is empty, too long, or has characters outside the allowed set. */
  INVALID_AGENT,
  /** The first message was not HELLO, or HELLO came twice. */
  UNEXPECTED_MESSAGE,
  /** No HELLO within the hello timeout, or no frame within the idle timeout. */
  TIMEOUT,
  /**
   * The agent already has a live session on this server (connection open, heard from within the
   * dead-peer timeout); the newcomer is refused and reconnects with backoff like after any failure.
   */
  AGENT_CONNECTED,
  /** A message names a recording of another agent; nothing was changed. */
  FOREIGN_RECORDING,
  /**
   * The client sent more messages in one heartbeat interval than the protocol ever needs (see
   * {@link Limits#MAX_MESSAGES_PER_HEARTBEAT_INTERVAL}).
   */
  RATE_LIMITED,
  /**
   * The server asks for an agent token ({@code --agent-auth token}) and the HELLO's is missing,
   * expired, forged or for another agent.
   */
  AGENT_TOKEN_REFUSED,
  /** The desktop's certificate was revoked; enroll it again to reconnect. */
  DESKTOP_REVOKED,
  /** The server is shutting down; reconnect (to another host) with backoff. */
  SHUTTING_DOWN,
  /** Something failed inside the peer; not the other side's fault. */
  INTERNAL
}
