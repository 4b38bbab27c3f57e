package cz.zoom.screenrec.format.video;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.RegionCodec;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.format.VideoRegions;
import cz.zoom.screenrec.testkit.SyntheticScreen;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A screen with text around a playing video: the writer finds the video, codes it as VP8 and the
 * rest as exact tiles; the reader (which finds VP8 on the class path) gives back exact text and the
 * video within its PSNR bound, and exact tiles again once the video stopped.
 */
class VideoRegionRoundTripTest {
  static final int W = 640;
  static final int H = 384;

  /** The video window: not tile-aligned, as a player's window is not. */
  static final int VX = 150;

  static final int VY = 90;
  static final int VW = 300;
  static final int VH = 200;

  static final SyntheticScreen SCREEN = new SyntheticScreen(W, H, VX, VY, VW, VH);

  @Test
  void textStaysExactAndTheVideoIsLossyWithinItsBound() throws Exception {
    RegionCodec codec = RegionCodec.find(Vp8Codec.ID).orElseThrow();
    VideoRegions regions = new VideoRegions(codec, new VideoRegions.Quality(800, 1, 1));
    ScreenLayout layout = new ScreenLayout(0, 0, 0, W, H);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<int[]> written = new ArrayList<>();
    int playing = 30;
    int frames = playing + 20;
    Random rnd = new Random(7);
    int[] screen = SCREEN.text(rnd);
    long t0 = 1_700_000_000_000L;
    try (SegmentWriter w =
        new SegmentWriter(out, new SegmentHeader("rec-1", 0, t0, List.of(layout)), regions)) {
      for (int f = 0; f < frames; f++) {
        if (f < playing) {
          SCREEN.paintVideo(screen, f, rnd);
        }
        if (f % 3 == 0) {
          typeSomething(screen, rnd); // text changes now and then, outside the video
        }
        w.writeFrame(0, t0 + f * 200L, screen, f == 0);
        written.add(screen.clone());
      }
    }
    assertThat(regions.failure()).isNull();
    List<SegmentEvent.Frame> read = new ArrayList<>();
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(out.toByteArray()))) {
      for (SegmentEvent e : r.readAll()) {
        if (e instanceof SegmentEvent.Frame fr) {
          read.add(fr);
        }
        assertThat(e).isNotInstanceOf(SegmentEvent.Truncated.class);
      }
    }
    assertThat(read).hasSize(frames);
    // The tile rectangle around the video window is the most that may be lossy.
    int rx0 = VX / 64 * 64;
    int ry0 = VY / 64 * 64;
    int rx1 = Math.min(W, (VX + VW + 63) / 64 * 64);
    int ry1 = Math.min(H, (VY + VH + 63) / 64 * 64);
    for (int f = 0; f < frames; f++) {
      int[] want = written.get(f);
      int[] got = read.get(f).rgb();
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          boolean inRegion = x >= rx0 && x < rx1 && y >= ry0 && y < ry1;
          if (!inRegion || f >= playing + VideoRegions.QUIET_FRAMES + 1) {
            assertThat(got[y * W + x])
                .as("frame %d pixel %d,%d", f, x, y)
                .isEqualTo(want[y * W + x]);
          }
        }
      }
      if (f > 4 && f < playing) {
        assertThat(psnr(want, got, VX, VY, VW, VH)).as("frame %d", f).isGreaterThan(35.0);
      }
    }
    // Lossy where it pays: the video frames cost far less than the exact ones would.
    assertThat(out.size()).isLessThan(playing * VW * VH / 2);
  }

  static void typeSomething(int[] px, Random rnd) {
    int x = 4 + rnd.nextInt(90);
    int y = 300 + rnd.nextInt(70);
    SCREEN.glyph(px, x, y, rnd.nextBoolean() ? 0x202020 : 0x1040A0);
  }

  static double psnr(int[] a, int[] b, int x0, int y0, int w, int h) {
    double se = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        int p = a[y * W + x];
        int q = b[y * W + x];
        for (int s = 0; s < 24; s += 8) {
          int d = ((p >> s) & 0xFF) - ((q >> s) & 0xFF);
          se += d * d;
        }
      }
    }
    double mse = se / (3.0 * w * h);
    return mse == 0 ? 99 : 10 * Math.log10(255 * 255 / mse);
  }
}
