package cz.zoom.screenrec.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds, like Awaitility, for code that runs outside tests (benches) and
 * inside the kit. The last value and the last exception seen go into the timeout message, so a
 * failure says what was observed rather than only that time ran out.
 */
public final class Poll {
  private Poll() {}

  /**
   * Returns the first value of {@code probe} that satisfies {@code done}; exceptions from the probe
   * count as "not yet".
   */
  public static <T> T until(
      String what,
      Duration timeout,
      Duration interval,
      Supplier<T> probe,
      Predicate<? super T> done)
      throws TimeoutException {
    Objects.requireNonNull(what);
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (true) {
      try {
        last = probe.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (Abort e) {
        throw e;
      } catch (RuntimeException e) {
        lastError = e;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        TimeoutException t =
            new TimeoutException(
                "timed out after "
                    + timeout.toMillis()
                    + " ms waiting for "
                    + what
                    + "; last value: "
                    + last
                    + (lastError == null ? "" : "; last error: " + lastError));
        if (lastError != null) {
          t.initCause(lastError);
        }
        throw t;
      }
      try {
        // waiting between probes is the point of a poll; the interval bounds it, not a guessed
        // delay
        Thread.sleep(Math.min(interval.toMillis(), Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  /** Thrown by a probe to stop waiting at once, e.g. when the awaited process has exited. */
  public static class Abort extends RuntimeException {
    public Abort(String message) {
      super(message);
    }
  }

  /** Same, for a plain condition. */
  public static void until(
      String what, Duration timeout, Duration interval, Supplier<Boolean> condition)
      throws TimeoutException {
    until(what, timeout, interval, condition, Boolean.TRUE::equals);
  }
}
