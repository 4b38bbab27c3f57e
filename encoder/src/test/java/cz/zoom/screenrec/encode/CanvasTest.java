package cz.zoom.screenrec.encode;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.ScreenLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanvasTest {
  private static final List<ScreenLayout> ONE = List.of(new ScreenLayout(0, 0, 0, 64, 48));

  @Test
  void startsBlackEvenWhenItsMemoryHeldAnEarlierPicture() {
    // native memory is recycled by malloc: fill and free canvases, then check a fresh one
    for (int round = 0; round < 20; round++) {
      try (Canvas dirty = new Canvas(VideoLayout.of(ONE, 4096, 4096))) {
        int[] blue = new int[64 * 48];
        Arrays.fill(blue, 0x0000FF);
        dirty.draw(0, 64, 48, blue);
      }
      try (Canvas fresh = new Canvas(VideoLayout.of(ONE, 4096, 4096))) {
        ByteBuffer b = (ByteBuffer) fresh.frame().image[0];
        for (int i = 0; i < fresh.height() * fresh.frame().imageStride; i++) {
          assertThat(b.get(i)).as("byte %d in round %d", i, round).isZero();
        }
      }
    }
  }

  @Test
  void drawsPixelsAsBgr() {
    try (Canvas c =
        new Canvas(VideoLayout.of(List.of(new ScreenLayout(0, 0, 0, 2, 1)), 4096, 4096))) {
      c.draw(0, 2, 1, new int[] {0x112233, 0x445566});
      ByteBuffer b = (ByteBuffer) c.frame().image[0];
      assertThat(new byte[] {b.get(0), b.get(1), b.get(2), b.get(3), b.get(4), b.get(5)})
          .containsExactly(0x33, 0x22, 0x11, 0x66, 0x55, 0x44);
      assertThat(c.width()).isEqualTo(2);
      assertThat(c.height()).isEqualTo(2);
    }
  }

  @Test
  void screensWithNegativeDesktopCoordinatesAreShiftedIntoTheCanvas() {
    List<ScreenLayout> screens =
        List.of(new ScreenLayout(0, 0, 0, 100, 50), new ScreenLayout(1, -80, 10, 80, 40));
    try (Canvas c = new Canvas(VideoLayout.of(screens, 4096, 4096))) {
      assertThat(c.width()).isEqualTo(180);
      assertThat(c.height()).isEqualTo(50);
      assertThat(c.slot(1)).isEqualTo(new VideoLayout.Slot(0, 10, 80, 40));
      assertThat(c.slot(0)).isEqualTo(new VideoLayout.Slot(80, 0, 100, 50));
    }
  }
}
