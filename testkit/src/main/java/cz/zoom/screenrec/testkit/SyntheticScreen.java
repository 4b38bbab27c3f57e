package cz.zoom.screenrec.testkit;

import java.util.Arrays;
import java.util.Random;

/**
 * A screen of text with a video window in it, painted in memory for the capture format's tests:
 * glyphs on a light background (exact content) and a smooth moving picture with grain that never
 * has two equal neighbours, as a film (what the writer codes lossy).
 */
public final class SyntheticScreen {
  public final int width;
  public final int height;

  /** The video window: x, y, width, height; need not lie on tile bounds. */
  public final int vx;

  public final int vy;
  public final int vw;
  public final int vh;

  public SyntheticScreen(int width, int height, int vx, int vy, int vw, int vh) {
    this.width = width;
    this.height = height;
    this.vx = vx;
    this.vy = vy;
    this.vw = vw;
    this.vh = vh;
  }

  /** 400 glyphs at random places. */
  public int[] text(Random rnd) {
    int[] px = new int[width * height];
    Arrays.fill(px, 0xF4F4F4);
    for (int i = 0; i < 400; i++) {
      glyph(px, 8 + rnd.nextInt(width - 16), 8 + rnd.nextInt(height - 16), 0x202020);
    }
    return px;
  }

  /** A 5x7 glyph at (x, y), clipped to the screen. */
  public void glyph(int[] px, int x, int y, int colour) {
    for (int dy = 0; dy < 7; dy++) {
      for (int dx = 0; dx < 5; dx++) {
        if (((dx * 7 + dy * 3 + x) & 3) != 0 && x + dx < width && y + dy < height) {
          px[(y + dy) * width + x + dx] = colour;
        }
      }
    }
  }

  /** Picture {@code f} of the video, into its window. */
  public void paintVideo(int[] px, int f, Random rnd) {
    for (int y = 0; y < vh; y++) {
      for (int x = 0; x < vw; x++) {
        double v = Math.sin((x + f * 6) / 23.0) + Math.cos((y - f * 4) / 17.0);
        int r = clamp(128 + (int) (60 * v) + rnd.nextInt(7) - 3);
        int g = clamp(100 + (int) (50 * Math.sin((x + y + f * 3) / 31.0)) + rnd.nextInt(7) - 3);
        int b = clamp(90 + (int) (40 * v) + x / 8 + rnd.nextInt(7) - 3);
        px[(vy + y) * width + vx + x] = r << 16 | g << 8 | b;
      }
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
