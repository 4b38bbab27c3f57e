package cz.zoom.screenrec.client.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
  private final ReconnectPolicy policy =
      new ReconnectPolicy(
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          0.2,
          Duration.ofSeconds(30),
          new Random(42));

  @Test
  void doublesFromOneSecondUpToTheCapWithTwentyPercentJitter() {
    long[] bases = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000};
    for (long base : bases) {
      assertThat(policy.afterFailedRound().toMillis())
          .isBetween(Math.round(base * 0.8), Math.round(base * 1.2));
    }
  }

  @Test
  void jitterSpreadsClientsApart() {
    long min = Long.MAX_VALUE;
    long max = 0;
    Random seeds = new Random(7);
    for (int i = 0; i < 200; i++) {
      ReconnectPolicy p =
          new ReconnectPolicy(
              Duration.ofSeconds(1),
              Duration.ofSeconds(60),
              0.2,
              Duration.ofSeconds(30),
              new Random(seeds.nextLong()));
      long d = p.afterFailedRound().toMillis();
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(max - min).isGreaterThan(300);
  }

  @Test
  void aConnectionThatStayedUpResetsTheBackoffAndReconnectsAtOnce() {
    policy.afterFailedRound();
    policy.afterFailedRound();
    assertThat(policy.afterDisconnect(Duration.ofSeconds(30))).isZero();
    assertThat(policy.afterFailedRound().toMillis()).isBetween(800L, 1_200L);
  }

  @Test
  void aConnectionThatDroppedEarlyCountsAsAFailedRound() {
    assertThat(policy.afterDisconnect(Duration.ofSeconds(2)).toMillis()).isBetween(800L, 1_200L);
    assertThat(policy.afterDisconnect(Duration.ZERO).toMillis()).isBetween(1_600L, 2_400L);
  }

  @Test
  void estimatesTheClockFromTheMiddleOfTheRoundTrip() {
    ClockEstimate c = ClockEstimate.of(1_000, 6_010, 1_020);
    assertThat(c.offsetMs()).isEqualTo(5_000);
    assertThat(c.roundTripMs()).isEqualTo(20);
  }
}
