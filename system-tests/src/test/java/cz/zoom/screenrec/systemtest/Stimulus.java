package cz.zoom.screenrec.systemtest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

/** Timing of what the tests show on screen. */
public final class Stimulus {
  private Stimulus() {}

  /**
   * Keeps the current picture on screen until {@code until}. This is the stimulus itself (a colour
   * shown for a known time), not a wait for the system under test to catch up.
   */
  public static void holdUntil(Instant until) {
    Duration left = Duration.between(Instant.now(), until);
    if (left.isNegative() || left.isZero()) {
      return;
    }
    await("showing the picture until " + until)
        .atMost(left.plusSeconds(5))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !Instant.now().isBefore(until));
  }
}
