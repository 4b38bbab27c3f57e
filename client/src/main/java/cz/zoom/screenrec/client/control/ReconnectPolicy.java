package cz.zoom.screenrec.client.control;

import java.time.Duration;
import java.util.Random;

/**
 * How long to wait before the next round over the host list. Exponential backoff with jitter, so
 * that thousands of clients losing one server do not all reconnect in the same instant; reset once
 * a connection has proved itself by staying up. Thread-safe.
 */
public final class ReconnectPolicy {
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration stableAfter;
  private final Random random;
  private long currentMs;

  /**
   * @param jitter spread of each wait, 0.2 for ±20%
   * @param stableAfter a connection that stayed up this long resets the backoff
   */
  public ReconnectPolicy(
      Duration initialBackoff,
      Duration maxBackoff,
      double jitter,
      Duration stableAfter,
      Random random) {
    if (initialBackoff.isNegative()
        || maxBackoff.compareTo(initialBackoff) < 0
        || jitter < 0
        || jitter >= 1) {
      throw new IllegalArgumentException(
          "need 0 <= initialBackoff <= maxBackoff and 0 <= jitter < 1");
    }
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.jitter = jitter;
    this.stableAfter = stableAfter;
    this.random = random;
    this.currentMs = initialBackoff.toMillis();
  }

  /** 1 s doubling to 60 s, ±20%, reset after 30 s up. */
  public static ReconnectPolicy defaults() {
    return new ReconnectPolicy(
        Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, Duration.ofSeconds(30), new Random());
  }

  /** A connection proved itself: the next failed round waits the initial backoff again. */
  public synchronized void reset() {
    currentMs = initialBackoff.toMillis();
  }

  /** How long a session must stay up to count as stable (and reset the backoff). */
  public Duration stableAfter() {
    return stableAfter;
  }

  /** The cap of the backoff: also the wait after a configuration error no host will accept. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Wait after every host of a round failed; each call doubles the next one up to the cap. */
  public synchronized Duration afterFailedRound() {
    long base = currentMs;
    currentMs = Math.min(currentMs * 2, maxBackoff.toMillis());
    double spread = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofMillis(Math.round(base * spread));
  }

  /**
   * Wait after an established session ended. A session that stayed up long enough reconnects at
   * once; one that ended early counts as a failed round, so a server that accepts and then drops
   * every connection does not get hammered.
   *
   * @param uptime how long the session was active (zero if it never got a WELCOME)
   */
  public synchronized Duration afterDisconnect(Duration uptime) {
    if (uptime.compareTo(stableAfter) >= 0) {
      currentMs = initialBackoff.toMillis();
      return Duration.ZERO;
    }
    return afterFailedRound();
  }
}
