package cz.zoom.screenrec.client.capture;

/** Shrinks pictures by an integer divisor, averaging each block so text stays legible. */
final class Downscaler {
  private Downscaler() {}

  static int scaled(int size, int divisor) {
    return Math.max(1, size / divisor);
  }

  /** Writes the scaled picture of {@code src} into {@code dst}, which holds scaled(w)*scaled(h) pixels. */
  static void scale(int[] src, int width, int height, int divisor, int[] dst) {
    int dw = scaled(width, divisor);
    int dh = scaled(height, divisor);
    for (int y = 0; y < dh; y++) {
      int sy0 = y * divisor;
      int sy1 = Math.min(sy0 + divisor, height);
      for (int x = 0; x < dw; x++) {
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
