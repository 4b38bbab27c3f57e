package cz.zoom.screenrec.format.video;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.RegionCodec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Regions of every awkward size code and decode into exactly their rectangle: swscale's SIMD
 * converters work in 16-pixel blocks, so a region whose width is not a multiple of 16 must neither
 * write past its native rows nor leave its right-hand columns unwritten.
 */
class Vp8CodecTest {
  private final RegionCodec codec = new Vp8Codec();

  @Test
  void everyPixelOfARegionOfAnySizeIsWrittenAndNothingAroundIt() throws Exception {
    int[][] sizes = {{8, 2}, {7, 2}, {70, 64}, {1400, 2}, {24, 40}, {1, 1}, {2, 3}};
    for (int[] size : sizes) {
      int w = size[0];
      int h = size[1];
      int stride = w + 10;
      int[] source = new int[stride * (h + 2)];
      Arrays.fill(source, 0x3080C0);
      int[] decoded = new int[stride * (h + 2)];
      int sentinel = 0x5A5A5A;
      Arrays.fill(decoded, sentinel);
      try (RegionCodec.Encoder e = codec.newEncoder(w, h, w, h, 300);
          RegionCodec.Decoder d = codec.newDecoder(w, h)) {
        for (int f = 0; f < 3; f++) {
          byte[] picture = e.encode(source, stride, 5, 1, f * 200L, f == 0);
          d.decode(picture, 0, picture.length, decoded, stride, 5, 1, w, h);
        }
      }
      for (int y = 0; y < h + 2; y++) {
        for (int x = 0; x < stride; x++) {
          int p = decoded[y * stride + x];
          boolean inside = x >= 5 && x < 5 + w && y >= 1 && y < 1 + h;
          if (inside) {
            // a flat colour survives VP8 within a few levels per channel; the sentinel is 38+ away
            assertThat(Math.abs(((p >> 16) & 0xFF) - 0x30))
                .as("%dx%d at %d,%d", w, h, x, y)
                .isLessThan(24);
            assertThat(Math.abs(((p >> 8) & 0xFF) - 0x80)).isLessThan(24);
            assertThat(Math.abs((p & 0xFF) - 0xC0)).isLessThan(24);
          } else {
            assertThat(p).as("%dx%d outside at %d,%d", w, h, x, y).isEqualTo(sentinel);
          }
        }
      }
    }
  }

  @Test
  void aRegionCodedSmallerIsScaledBackToItsSize() throws Exception {
    int w = 130;
    int h = 70;
    int[] source = new int[w * h];
    for (int i = 0; i < source.length; i++) {
      source[i] = (i % w) * 255 / w << 16 | 0x4000 | (i / w) * 255 / h;
    }
    int[] decoded = new int[w * h];
    try (RegionCodec.Encoder e = codec.newEncoder(w, h, 64, 34, 300);
        RegionCodec.Decoder d = codec.newDecoder(64, 34)) {
      byte[] picture = e.encode(source, w, 0, 0, 0, true);
      d.decode(picture, 0, picture.length, decoded, w, 0, 0, w, h);
    }
    long se = 0;
    for (int i = 0; i < source.length; i++) {
      for (int s = 0; s < 24; s += 8) {
        int diff = ((source[i] >> s) & 0xFF) - ((decoded[i] >> s) & 0xFF);
        se += diff * diff;
      }
    }
    double psnr = 10 * Math.log10(255.0 * 255 / (se / (3.0 * source.length)));
    assertThat(psnr).isGreaterThan(30);
  }
}
