package cz.zoom.screenrec.impl.controller.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * When to start the Capture Client again after it ended: exponential backoff (1 s doubling to 30 s,
 * back to 1 s once a run lasted a minute), and never more than {@link #MAX_STARTS_PER_WINDOW}
 * starts in any minute, so a client that crashes at once cannot turn the agent's desktop into a
 * process-spawning loop. Not thread-safe: only the monitor thread uses it. Times are monotonic
 * milliseconds.
 */
final class RestartPolicy {
  static final long INITIAL_DELAY_MS = 1_000;
  static final long MAX_DELAY_MS = 30_000;
  static final long WINDOW_MS = 60_000;
  static final int MAX_STARTS_PER_WINDOW = 5;
  static final long STABLE_RUN_MS = 60_000;

  /** The wait before the next start, and whether the per-minute bound (not the backoff) set it. */
  static final class Delay {
    final long millis;
    final boolean rateLimited;

    Delay(long millis, boolean rateLimited) {
      this.millis = millis;
      this.rateLimited = rateLimited;
    }
  }

  private final Deque<Long> starts = new ArrayDeque<>();
  private long backoff = INITIAL_DELAY_MS;

  void recordStart(long now) {
    starts.addLast(now);
    while (starts.size() > MAX_STARTS_PER_WINDOW) {
      starts.removeFirst();
    }
  }

  /** Called when a run ended (or a start failed) at {@code now} after {@code ranMillis}. */
  Delay afterExit(long now, long ranMillis) {
    if (ranMillis >= STABLE_RUN_MS) {
      backoff = INITIAL_DELAY_MS;
    }
    long delay = backoff;
    backoff = Math.min(backoff * 2, MAX_DELAY_MS);
    boolean limited = false;
    if (starts.size() >= MAX_STARTS_PER_WINDOW) {
      // the next start may happen once the oldest of the last MAX starts is a full window ago
      Iterator<Long> it = starts.iterator();
      long oldest = it.next();
      long allowedAt = oldest + WINDOW_MS;
      if (allowedAt - now > delay) {
        delay = allowedAt - now;
        limited = true;
      }
    }
    return new Delay(delay, limited);
  }
}
