package cz.zoom.screenrec.client.ownership;

/**
 * Who owns the recording a client has in hand (it has at most one), which decides what a START does
 * to it and whether its end is reported. The table is {@link #next}; docs/architecture.md shows it
 * too, and a test keeps the two the same.
 */
public enum OwnershipState {
  /** Nothing in hand. */
  IDLE,
  /**
   * A START is being carried out (spooled, the capture backend asked); the session that sent it
   * owns it.
   */
  STARTING,
  /** Captured, and the current session started or adopted it: another START is refused. */
  OWNED,
  /**
   * Captured, but no session owns it (its session was lost, the next did not adopt it): it is
   * captured on until the orphan bound runs out, a server adopts it, or a START for another
   * recording supersedes it. Its end is not reported.
   */
  ORPHANED,
  /** The capture backend is finishing its final segment; a START waits until it has. */
  STOPPING;

  /**
   * Where {@code event} leads from this state; null when it cannot happen here (a bug, logged and
   * ignored).
   */
  public OwnershipState next(OwnershipEvent event) {
    return switch (this) {
      case IDLE ->
          switch (event) {
            case START_NEW -> STARTING;
            case NOT_ADOPTED, SESSION_LOST -> IDLE;
            default -> null;
          };
      case STARTING ->
          switch (event) {
            case START_NEW, START_AGAIN -> STARTING;
            case STARTED, ADOPTED -> OWNED;
            case START_FAILED, ENDED -> IDLE;
            case STOP -> STOPPING;
            case NOT_ADOPTED, SESSION_LOST -> ORPHANED;
            case ORPHAN_BOUND -> null;
          };
      case OWNED ->
          switch (event) {
            // a START's answer comes after its recording was adopted only if a WELCOME overtook it
            case START_NEW, START_AGAIN, STARTED, ADOPTED -> OWNED;
            case STOP -> STOPPING;
            case START_FAILED, ENDED -> IDLE;
            case NOT_ADOPTED, SESSION_LOST -> ORPHANED;
            case ORPHAN_BOUND -> null;
          };
      case ORPHANED ->
          switch (event) {
            case START_NEW, STOP, ORPHAN_BOUND -> STOPPING;
            case START_AGAIN, ADOPTED -> OWNED;
            case STARTED, NOT_ADOPTED, SESSION_LOST -> ORPHANED;
            case START_FAILED, ENDED -> IDLE;
          };
      case STOPPING ->
          switch (event) {
            case START_NEW, START_AGAIN, STARTED, STOP, ADOPTED, NOT_ADOPTED, SESSION_LOST ->
                STOPPING;
            case START_FAILED, ENDED -> IDLE;
            case ORPHAN_BOUND -> null;
          };
    };
  }
}
