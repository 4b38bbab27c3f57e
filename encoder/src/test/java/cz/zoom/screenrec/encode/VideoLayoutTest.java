package cz.zoom.screenrec.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.format.ScreenLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class VideoLayoutTest {
  @Test
  void screensKeepTheirDesktopPlacesCountedFromTheTopLeftOfAll() {
    VideoLayout l =
        VideoLayout.of(
            List.of(new ScreenLayout(1, -80, 10, 80, 40), new ScreenLayout(0, 0, 0, 100, 50)),
            4096,
            4096);

    assertThat(l)
        .isEqualTo(
            new VideoLayout(
                180,
                50,
                1,
                List.of(new ScreenLayout(0, 80, 0, 100, 50), new ScreenLayout(1, 0, 10, 80, 40))));
  }

  @Test
  void overlappingScreensArePlacedSideBySideInIdOrder() {
    VideoLayout l =
        VideoLayout.of(
            List.of(new ScreenLayout(1, 0, 0, 64, 64), new ScreenLayout(0, 0, 0, 96, 64)),
            4096,
            4096);

    assertThat(l.screens())
        .containsExactly(new ScreenLayout(0, 0, 0, 96, 64), new ScreenLayout(1, 96, 0, 64, 64));
  }

  @Test
  void aScreenSeenWithSeveralSizesGetsTheLargest() {
    VideoLayout l =
        VideoLayout.of(
            List.of(new ScreenLayout(0, 0, 0, 640, 400), new ScreenLayout(0, 0, 0, 320, 480)),
            4096,
            4096);

    assertThat(l.screens()).containsExactly(new ScreenLayout(0, 0, 0, 640, 480));
  }

  @Test
  void aWideSpanIsScaledDownByAWholeFactorAndPaddedToEvenSides() {
    List<ScreenLayout> screens =
        List.of(new ScreenLayout(0, 0, 0, 1921, 1081), new ScreenLayout(1, 1921, 0, 1920, 1080));

    VideoLayout l = VideoLayout.of(screens, 3840, 2160);

    assertThat(l.scale()).isEqualTo(2);
    assertThat(l.width()).isEqualTo(1922);
    assertThat(l.height()).isEqualTo(542);
    assertThat(l.screens()).isEqualTo(screens);
    assertThat(l.slot(screens.get(1))).isEqualTo(new VideoLayout.Slot(960, 0, 960, 540));
  }

  @Test
  void screensFarApartAreRefusedRatherThanAllocated() {
    // int arithmetic would wrap these apart into a small, wrong span
    List<ScreenLayout> screens =
        List.of(
            new ScreenLayout(0, Integer.MIN_VALUE + 1, 0, 100, 100),
            new ScreenLayout(1, Integer.MAX_VALUE - 100, 0, 100, 100));

    assertThatThrownBy(() -> VideoLayout.of(screens, 3840, 2160))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("screen layout spans");
  }
}
