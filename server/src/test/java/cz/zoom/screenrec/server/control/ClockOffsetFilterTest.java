package cz.zoom.screenrec.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClockOffsetFilterTest {

  @Test
  void trustsTheShortestRoundTripNotTheLatestSample() {
    ClockOffsetFilter f = new ClockOffsetFilter();
    assertThat(f.offsetMs()).isZero();
    assertThat(f.roundTripMs()).isEqualTo(-1);
    f.add(0, -1); // "no estimate yet" from the client's first heartbeat
    assertThat(f.roundTripMs()).isEqualTo(-1);
    f.add(350, 700); // cold JVM: the request sat in a queue, the answer did not
    f.add(2, 3);
    f.add(40, 90);
    assertThat(f.offsetMs()).isEqualTo(2);
    assertThat(f.roundTripMs()).isEqualTo(3);
  }

  @Test
  void oldSamplesLeaveTheWindow() {
    ClockOffsetFilter f = new ClockOffsetFilter();
    f.add(5, 1);
    for (int i = 0; i < ClockOffsetFilter.WINDOW; i++) {
      f.add(100, 10); // the clock moved (e.g. NTP stepped it): the old best sample ages out
    }
    assertThat(f.offsetMs()).isEqualTo(100);
  }
}
