package cz.zoom.screenrec.client.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostRotationTest {
  private final ReconnectPolicy policy =
      new ReconnectPolicy(
          Duration.ofSeconds(1), Duration.ofSeconds(60), 0, Duration.ofSeconds(30), new Random(1));
  private final HostRotation three = new HostRotation(3, policy);

  @Test
  void goesOnToTheNextHostAtOnceAndWaitsOnlyAfterAWholeRoundFailed() {
    assertThat(three.connectFailed(0, false)).isEqualTo(new HostRotation.Next(1, Duration.ZERO));
    assertThat(three.connectFailed(1, false)).isEqualTo(new HostRotation.Next(2, Duration.ZERO));
    assertThat(three.connectFailed(2, false))
        .isEqualTo(new HostRotation.Next(0, Duration.ofSeconds(1)));
    assertThat(three.connectFailed(0, false)).isEqualTo(new HostRotation.Next(1, Duration.ZERO));
    assertThat(three.connectFailed(1, false)).isEqualTo(new HostRotation.Next(2, Duration.ZERO));
    assertThat(three.connectFailed(2, false))
        .isEqualTo(new HostRotation.Next(0, Duration.ofSeconds(2)));
  }

  @Test
  void aLostStableSessionMovesToTheNextHostNotBackToThePrimaryAndResetsTheBackoff() {
    three.connectFailed(0, false);
    three.connectFailed(1, false);
    three.connectFailed(2, false); // backoff now at 2 s
    assertThat(three.sessionEnded(1, Duration.ofMinutes(5)))
        .isEqualTo(new HostRotation.Next(2, Duration.ZERO));
    assertThat(three.connectFailed(2, false)).isEqualTo(new HostRotation.Next(0, Duration.ZERO));
    assertThat(three.connectFailed(0, false)).isEqualTo(new HostRotation.Next(1, Duration.ZERO));
    assertThat(three.connectFailed(1, false))
        .isEqualTo(new HostRotation.Next(2, Duration.ofSeconds(1)));
  }

  @Test
  void shortSessionsCountAsFailuresSoAFlappingServerCannotCauseATightLoop() {
    HostRotation two = new HostRotation(2, policy);
    assertThat(two.sessionEnded(0, Duration.ofSeconds(1)))
        .isEqualTo(new HostRotation.Next(1, Duration.ZERO));
    assertThat(two.sessionEnded(1, Duration.ofSeconds(1)))
        .isEqualTo(new HostRotation.Next(0, Duration.ofSeconds(1)));
  }

  @Test
  void aSingleHostIsRetriedAtOnceAfterAStableSessionThenWithBackoff() {
    HostRotation one = new HostRotation(1, policy);
    assertThat(one.sessionEnded(0, Duration.ofSeconds(30)))
        .isEqualTo(new HostRotation.Next(0, Duration.ZERO));
    assertThat(one.connectFailed(0, false))
        .isEqualTo(new HostRotation.Next(0, Duration.ofSeconds(1)));
    assertThat(one.connectFailed(0, false))
        .isEqualTo(new HostRotation.Next(0, Duration.ofSeconds(2)));
  }

  @Test
  void anInvalidAgentIsRetriedOnlyAtTheCap() {
    assertThat(three.connectFailed(0, true))
        .isEqualTo(new HostRotation.Next(1, Duration.ofSeconds(60)));
  }

  @Test
  void parsesTheFailbackFlag() {
    assertThat(FailbackPolicy.parse("never")).isEqualTo(FailbackPolicy.NEVER);
    assertThat(FailbackPolicy.parse("when-idle")).isEqualTo(FailbackPolicy.WHEN_IDLE);
    assertThat(FailbackPolicy.WHEN_IDLE.flag()).isEqualTo("when-idle");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FailbackPolicy.parse("always"))
        .hasMessageContaining("'never' or 'when-idle'");
  }
}
