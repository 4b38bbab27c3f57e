package cz.zoom.screenrec.impl.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

  @Test
  void backsOffFromOneSecondDoublingToThirtySeconds() {
    RestartPolicy policy = new RestartPolicy();
    List<Long> delays = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 8; i++) {
      // starts spaced by hours: only the backoff can be seen, not the per-minute bound
      now += 3_600_000;
      policy.recordStart(now);
      delays.add(policy.afterExit(now + 10, 10).millis);
    }
    assertThat(delays)
        .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
  }

  @Test
  void aRunThatLastedAMinuteResetsTheBackoff() {
    RestartPolicy policy = new RestartPolicy();
    policy.recordStart(0);
    policy.afterExit(100, 100);
    policy.recordStart(1_100);
    assertThat(policy.afterExit(1_200, 100).millis).isEqualTo(2_000);
    policy.recordStart(3_200);
    assertThat(policy.afterExit(3_200 + 61_000, 61_000).millis).isEqualTo(1_000);
  }

  @Test
  void neverMoreThanFiveStartsInAnyMinute() {
    RestartPolicy policy = new RestartPolicy();
    List<Long> startTimes = new ArrayList<>();
    long now = 0;
    List<Boolean> limited = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      policy.recordStart(now);
      startTimes.add(now);
      RestartPolicy.Delay d = policy.afterExit(now, 0);
      limited.add(d.rateLimited);
      now += d.millis;
    }
    for (int i = 5; i < startTimes.size(); i++) {
      assertThat(startTimes.get(i) - startTimes.get(i - 5))
          .as("start %d vs start %d", i, i - 5)
          .isGreaterThanOrEqualTo(RestartPolicy.WINDOW_MS);
    }
    // 0, 1, 3, 7, 15 s: the sixth start (backoff would allow 31 s) waits for the minute to pass
    assertThat(startTimes.subList(0, 6))
        .containsExactly(0L, 1_000L, 3_000L, 7_000L, 15_000L, 60_000L);
    assertThat(limited.get(4)).isTrue();
  }
}
