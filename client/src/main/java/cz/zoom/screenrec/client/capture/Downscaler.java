package cz.zoom.screenrec.client.capture;

/** Shrinks pictures by an integer divisor, averaging each block so text stays legible. */
final class Downscaler {
  private Downscaler() {}

  static int scaled(int size, int divisor) {
    return Math.max(1, size / divisor);
  }

  /**
   * Writes the scaled picture of {@code src} into {@code dst}, which holds scaled(w)*scaled(h)
   * pixels.
   */
  static void scale(int[] src, int width, int height, int divisor, int[] dst) {
    scaleRegion(
        src, width, height, divisor, dst, 0, 0, scaled(width, divisor), scaled(height, divisor));
  }

  /**
   * Scales the source rectangle x, y, w, h (source pixels) into {@code dst}: every destination
   * pixel whose block touches it is recomputed. Returns the destination rectangle as x, y, w, h, or
   * null when it is empty.
   */
  static int[] scaleRect(
      int[] src, int width, int height, int divisor, int[] dst, int x, int y, int w, int h) {
    int dw = scaled(width, divisor);
    int dh = scaled(height, divisor);
    int x0 = Math.max(0, x / divisor);
    int y0 = Math.max(0, y / divisor);
    int x1 = Math.min(dw, (x + w + divisor - 1) / divisor);
    int y1 = Math.min(dh, (y + h + divisor - 1) / divisor);
    if (x0 >= x1 || y0 >= y1) {
      return null;
    }
    scaleRegion(src, width, height, divisor, dst, x0, y0, x1, y1);
    return new int[] {x0, y0, x1 - x0, y1 - y0};
  }

  /** Recomputes destination pixels [x0, x1) x [y0, y1). */
  private static void scaleRegion(
      int[] src, int width, int height, int divisor, int[] dst, int x0, int y0, int x1, int y1) {
    int dw = scaled(width, divisor);
    for (int y = y0; y < y1; y++) {
      int sy0 = y * divisor;
      int sy1 = Math.min(sy0 + divisor, height);
      for (int x = x0; x < x1; x++) {
        int sx0 = x * divisor;
        int sx1 = Math.min(sx0 + divisor, width);
        int r = 0;
        int g = 0;
        int b = 0;
        int n = 0;
        for (int sy = sy0; sy < sy1; sy++) {
          int row = sy * width;
          for (int sx = sx0; sx < sx1; sx++) {
            int p = src[row + sx];
            r += (p >> 16) & 0xFF;
            g += (p >> 8) & 0xFF;
            b += p & 0xFF;
            n++;
          }
        }
        dst[y * dw + x] = (r / n) << 16 | (g / n) << 8 | (b / n);
      }
    }
  }
}
