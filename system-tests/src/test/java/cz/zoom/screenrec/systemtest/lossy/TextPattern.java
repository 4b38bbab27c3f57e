package cz.zoom.screenrec.systemtest.lossy;

import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Text-like pixels over the whole root window (a 64x64 bitmap of glyph-sized strokes, tiled, dark
 * on light, set with xsetroot), so that every pixel a recording must keep exact is known.
 */
final class TextPattern {
  static final int SIDE = 64;
  static final int INK = 0x202830;
  static final int PAPER = 0xF4F4F0;

  private final boolean[] bits;

  private TextPattern(boolean[] bits) {
    this.bits = bits;
  }

  static TextPattern paint(XvfbDisplay display, Path dir) throws Exception {
    boolean[] bits = new boolean[SIDE * SIDE];
    Random rnd = new Random(11);
    // lines of "words": short horizontal and vertical strokes on rows of text
    for (int line = 2; line < SIDE; line += 12) {
      for (int x = 1; x < SIDE - 6; x += 1 + rnd.nextInt(4)) {
        int h = 4 + rnd.nextInt(5);
        for (int y = line; y < line + h && y < SIDE; y++) {
          bits[y * SIDE + x] = rnd.nextInt(3) != 0;
        }
        if (rnd.nextBoolean()) {
          for (int dx = 0; dx < 3; dx++) {
            bits[Math.min(SIDE - 1, line + h - 1) * SIDE + Math.min(SIDE - 1, x + dx)] = true;
          }
        }
      }
    }
    StringBuilder xbm = new StringBuilder();
    xbm.append("#define t_width ").append(SIDE).append("\n#define t_height ").append(SIDE);
    xbm.append("\nstatic unsigned char t_bits[] = {\n");
    for (int y = 0; y < SIDE; y++) {
      for (int b = 0; b < SIDE / 8; b++) {
        int v = 0;
        for (int i = 0; i < 8; i++) {
          if (bits[y * SIDE + b * 8 + i]) {
            v |= 1 << i;
          }
        }
        xbm.append(String.format("0x%02x,", v));
      }
      xbm.append('\n');
    }
    xbm.append("};\n");
    Path file = dir.resolve("text.xbm");
    Files.writeString(file, xbm);
    int rc =
        display.run(
            List.of(
                "xsetroot",
                "-display",
                display.name(),
                "-bitmap",
                file.toString(),
                "-fg",
                String.format("#%06x", INK),
                "-bg",
                String.format("#%06x", PAPER)));
    if (rc != 0) {
      throw new IllegalStateException("xsetroot -bitmap exited " + rc);
    }
    return new TextPattern(bits);
  }

  int rgbAt(int x, int y) {
    return bits[(y % SIDE) * SIDE + x % SIDE] ? INK : PAPER;
  }
}
