package cz.zoom.screenrec.server.replay;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.server.replay.CallMedia.Gap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentGapsTest {

  @Test
  void gapsOfOneReasonCloseTogetherAreOneStretch() {
    List<Gap> gaps = new ArrayList<>();
    for (int g = 0; g < 300; g++) {
      SegmentGaps.add(gaps, 10_000 + 2 * g, 10_001 + 2 * g, "CAPTURE_LOST");
    }
    assertThat(gaps).containsExactly(new Gap(10_000, 10_599, "CAPTURE_LOST", null, null));
  }

  @Test
  void otherReasonsAndDistantGapsStayApart() {
    List<Gap> gaps = new ArrayList<>();
    SegmentGaps.add(gaps, 0, 100, "CAPTURE_LOST");
    SegmentGaps.add(gaps, 200, 300, "PAUSED");
    SegmentGaps.add(gaps, 400, 500, "CAPTURE_LOST");
    SegmentGaps.add(gaps, 5_000, 5_100, "CAPTURE_LOST");
    // a clock going back starts a stretch of its own rather than stretching one backwards
    SegmentGaps.add(gaps, 4_000, 4_100, "CAPTURE_LOST");
    assertThat(gaps).extracting(Gap::from).containsExactly(0L, 200L, 400L, 5_000L, 4_000L);
  }
}
