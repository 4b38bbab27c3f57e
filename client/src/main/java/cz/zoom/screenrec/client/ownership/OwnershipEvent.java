package cz.zoom.screenrec.client.ownership;

/** What can happen to the recording in hand; {@link OwnershipState#next} says where each leads. */
public enum OwnershipEvent {
  /** A START for another recording than the one in hand, or while none is. */
  START_NEW,
  /**
   * A START for the recording in hand: the server (again) takes it, with this START's upload
   * target.
   */
  START_AGAIN,
  /** The capture backend runs the capture of a START. */
  STARTED,
  /** The spool or the capture backend could not carry out a START. */
  START_FAILED,
  /** A STOP (or the client's shutdown) for the recording in hand. */
  STOP,
  /** The capture backend finished the recording: after a stop, or by itself. */
  ENDED,
  /** A new session's WELCOME adopts the recording in hand. */
  ADOPTED,
  /** A new session's WELCOME does not adopt the recording in hand (or there is none). */
  NOT_ADOPTED,
  /** The controlling session is gone. */
  SESSION_LOST,
  /** The orphan bound ran out before any server adopted the recording. */
  ORPHAN_BOUND
}
