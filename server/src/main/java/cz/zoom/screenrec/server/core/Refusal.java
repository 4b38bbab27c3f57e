package cz.zoom.screenrec.server.core;

/**
 * A request the server will not carry out, said in the product's terms. The core and replay's
 * services throw these; the HTTP edge gives each kind its status. {@link #code()} is the stable
 * error code clients and tests match on, the message says why to a person.
 */
public abstract sealed class Refusal extends RuntimeException {
  private final String code;

  private Refusal(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** What was asked is malformed, or breaks a rule about its content. */
  public static final class Invalid extends Refusal {
    public Invalid(String message) {
      this("bad_request", message);
    }

    public Invalid(String code, String message) {
      super(code, message);
    }
  }

  /**
   * The caller could not show who it is: wrong credentials, or a token that does not count here.
   */
  public static final class Unauthenticated extends Refusal {
    public Unauthenticated(String code, String message) {
      super(code, message);
    }
  }

  /** What was asked about is not known here. */
  public static final class NotFound extends Refusal {
    public NotFound(String message) {
      super("not_found", message);
    }
  }

  /**
   * The request clashes with the present state (a busy agent, a segment stored with another
   * checksum).
   */
  public static final class Conflict extends Refusal {
    public Conflict(String code, String message) {
      super(code, message);
    }
  }

  /** What was asked about existed but is over (a closed recording, deleted media). */
  public static final class Gone extends Refusal {
    public Gone(String code, String message) {
      super(code, message);
    }
  }

  /** Bytes beyond a bound: one upload's size, a recording's quota. */
  public static final class TooLarge extends Refusal {
    public TooLarge(String code, String message) {
      super(code, message);
    }
  }

  /** Too many attempts; the caller may try again later. */
  public static final class Throttled extends Refusal {
    public Throttled(String code, String message) {
      super(code, message);
    }
  }

  /**
   * The agent's Capture Client did not carry out a command (refused it, or never acknowledged it).
   */
  public static final class AgentFailed extends Refusal {
    public AgentFailed(String code, String message) {
      super(code, message);
    }
  }
}
