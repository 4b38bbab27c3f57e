package cz.zoom.screenrec.client.spool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpoolLimitsTest {
  private static final long DISK = 100L << 30;

  @Test
  void fullALittleBeforeTheCapSoThatTheLastSecondsFitUnderIt() {
    SpoolLimits limits = SpoolLimits.of(64, 0);
    long cap = 64L << 20;
    assertThat(limits.full(cap - (2 << 20), DISK, DISK)).isFalse();
    // 1 MiB kept free: more than a second of 1080p video at 2.5 Mbit/s
    assertThat(limits.full(cap - (1 << 20), DISK, DISK)).isTrue();
    assertThat(limits.roomAgain(cap / 10 * 9, DISK, DISK)).isTrue();
  }

  @Test
  void theHeadroomIsAPercentOfALargeSpoolAndATwentiethOfASmallOne() {
    assertThat(SpoolLimits.DEFAULT.headroom()).isEqualTo((2048L << 20) / 100);
    assertThat(SpoolLimits.of(2, 0).headroom()).isEqualTo((2L << 20) / 20);
  }

  @Test
  void fullWhenTheDiskRunsLowWhateverTheSpoolHolds() {
    SpoolLimits limits = SpoolLimits.of(2048, 10);
    assertThat(limits.full(0, DISK / 20, DISK)).isTrue();
    assertThat(limits.roomAgain(0, DISK / 10, DISK)).isFalse();
    assertThat(limits.roomAgain(0, DISK / 100 * 11, DISK)).isTrue();
  }
}
