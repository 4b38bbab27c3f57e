package cz.zoom.screenrec.client.budget;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.VideoRegions.Quality;
import org.junit.jupiter.api.Test;

/** The ladder's order: bitrate first, then resolution, then frame rate. */
class VideoQualityControlTest {
  private static final int WINDOW = 896 * 576; // the 64x64 tiles under an 854x480 player
  private static final int SCREEN = 1920 * 1080;

  @Test
  void enoughBitsPerPixelKeepFullSizeAndRate() {
    // the player window at the default budget: 0.33 bit/pixel at full size
    assertThat(VideoQualityControl.quality(850, 5, WINDOW)).isEqualTo(new Quality(850, 1, 1));
    assertThat(VideoQualityControl.quality(2500, 1, SCREEN)).isEqualTo(new Quality(2500, 1, 1));
  }

  @Test
  void fewerBitsHalveTheSizeBeforeAnyPictureIsSkipped() {
    // 1080p at 2125 kbit/s and 5 fps: 0.2 bit/pixel at full size
    assertThat(VideoQualityControl.quality(2125, 5, SCREEN)).isEqualTo(new Quality(2125, 1, 2));
    assertThat(VideoQualityControl.quality(850, 5, SCREEN)).isEqualTo(new Quality(850, 1, 2));
    assertThat(VideoQualityControl.quality(700, 5, WINDOW)).isEqualTo(new Quality(700, 1, 2));
  }

  @Test
  void onlyThenIsTheFrameRateLowered() {
    assertThat(VideoQualityControl.quality(500, 5, SCREEN)).isEqualTo(new Quality(500, 2, 2));
    assertThat(VideoQualityControl.quality(255, 5, SCREEN)).isEqualTo(new Quality(255, 4, 2));
    // the last rung however little is left
    assertThat(VideoQualityControl.quality(30, 5, SCREEN)).isEqualTo(new Quality(30, 8, 2));
  }

  @Test
  void noMovingRegionNeedsNoDegrading() {
    assertThat(VideoQualityControl.quality(30, 5, 0)).isEqualTo(new Quality(30, 1, 1));
  }
}
