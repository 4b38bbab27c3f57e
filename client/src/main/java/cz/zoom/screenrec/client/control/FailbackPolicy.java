package cz.zoom.screenrec.client.control;

import java.util.Locale;

/**
 * Whether a client connected to a fail-over server goes back to a host earlier in its list once
 * that answers again.
 */
public enum FailbackPolicy {
  /** Stay with the server that took over until its connection ends. */
  NEVER,
  /**
   * Go back, but only while nothing is being recorded (a running recording stays with its server).
   */
  WHEN_IDLE;

  /** The command-line spelling: {@code never} or {@code when-idle}. */
  public static FailbackPolicy parse(String text) {
    for (FailbackPolicy p : values()) {
      if (p.flag().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "--failback must be 'never' or 'when-idle', not '" + text + "'");
  }

  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
