package cz.zoom.screenrec.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds random but valid segments and remembers what they hold, for the fuzz properties. */
final class SegmentFixtures {
  private SegmentFixtures() {}

  /** A segment's bytes and the frames (deep copies) a reader must yield from it. */
  record Written(byte[] bytes, List<SegmentEvent.Frame> frames, int pixels) {}

  /** The writer calls the fixtures make, so that both format versions can be generated. */
  interface Sink extends java.io.Closeable {
    void frame(int screen, long time, int[] rgb, boolean key, int[] dirty) throws IOException;

    void cursor(long time, int x, int y) throws IOException;

    void gap(long from, long until, GapReason reason) throws IOException;

    void close(long end) throws IOException;
  }

  static Written randomSegment(long seed) throws IOException {
    return randomSegment(seed, false);
  }

  static Written randomSegment(long seed, boolean version1) throws IOException {
    Random rnd = new Random(seed);
    int screenCount = 1 + rnd.nextInt(2);
    List<ScreenLayout> layouts = new ArrayList<>();
    int pixels = 0;
    for (int i = 0; i < screenCount; i++) {
      int w = 1 + rnd.nextInt(rnd.nextBoolean() ? 200 : 20);
      int h = 1 + rnd.nextInt(rnd.nextBoolean() ? 150 : 20);
      layouts.add(new ScreenLayout(i * 3, i * 200, 0, w, h));
      pixels += w * h;
    }
    SegmentHeader header =
        new SegmentHeader("rec-" + seed, rnd.nextInt(100), 1_700_000_000_000L, layouts);
    int[][] pictures = new int[screenCount][];
    for (int i = 0; i < screenCount; i++) {
      ScreenLayout s = layouts.get(i);
      pictures[i] = new int[s.width() * s.height()];
      paint(rnd, pictures[i], s.width(), s.height());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<SegmentEvent.Frame> frames = new ArrayList<>();
    long time = header.startedAt();
    try (Sink w = version1 ? v1(out, header) : v2(out, header)) {
      int records = 1 + rnd.nextInt(10);
      for (int r = 0; r < records; r++) {
        time += rnd.nextInt(300);
        int kind = rnd.nextInt(10);
        if (kind == 0) {
          w.cursor(time, rnd.nextInt(400) - 100, rnd.nextInt(200));
        } else if (kind == 1) {
          long until = time + rnd.nextInt(1000);
          w.gap(time, until, GapReason.values()[rnd.nextInt(GapReason.values().length)]);
          time = until;
        } else {
          int i = rnd.nextInt(screenCount);
          ScreenLayout s = layouts.get(i);
          int changes = rnd.nextInt(3);
          List<Integer> dirty = new ArrayList<>();
          for (int c = 0; c < changes; c++) {
            int[] rect =
                rnd.nextInt(3) == 0
                    ? scroll(rnd, pictures[i], s.width(), s.height())
                    : paint(rnd, pictures[i], s.width(), s.height());
            for (int v : rect) {
              dirty.add(v);
            }
          }
          boolean key = rnd.nextInt(5) == 0;
          // Half the frames come with the dirty rectangles a platform would report.
          int[] rects =
              rnd.nextBoolean() ? dirty.stream().mapToInt(Integer::intValue).toArray() : null;
          w.frame(s.id(), time, pictures[i], key, rects);
          frames.add(
              new SegmentEvent.Frame(
                  s.id(), time, s.width(), s.height(), pictures[i].clone(), key));
        }
      }
      w.close(time + rnd.nextInt(100));
    }
    // The writer promotes a screen's first frame to a key frame; what the reader yields says so.
    List<SegmentEvent.Frame> expected = new ArrayList<>();
    boolean[] seen = new boolean[256];
    for (SegmentEvent.Frame f : frames) {
      boolean key = f.keyframe() || !seen[f.screenId()];
      seen[f.screenId()] = true;
      expected.add(
          new SegmentEvent.Frame(f.screenId(), f.time(), f.width(), f.height(), f.rgb(), key));
    }
    return new Written(out.toByteArray(), expected, pixels);
  }

  /**
   * Scrolls a band of the picture up or down by a random distance and paints the uncovered strip
   * with noise, as a text view does; returns the band as x, y, w, h.
   */
  static int[] scroll(Random rnd, int[] rgb, int width, int height) {
    int x0 = rnd.nextInt(width);
    int x1 = x0 + 1 + rnd.nextInt(width - x0);
    int y0 = rnd.nextInt(height);
    int y1 = y0 + 1 + rnd.nextInt(height - y0);
    int rows = y1 - y0;
    int by = 1 + rnd.nextInt(Math.max(1, rows / 3));
    if (by >= rows) {
      return paint(rnd, rgb, width, height);
    }
    boolean up = rnd.nextBoolean();
    Wire.move(rgb, width, x0, up ? y0 + by : y0, x1 - x0, rows - by, x0, up ? y0 : y0 + by);
    int stripY = up ? y1 - by : y0;
    for (int y = stripY; y < stripY + by; y++) {
      for (int x = x0; x < x1; x++) {
        rgb[y * width + x] = rnd.nextInt(0x1000000);
      }
    }
    return new int[] {x0, y0, x1 - x0, rows};
  }

  /** A rectangle of flat colour, noise or a gradient: flat UI, photos and worst cases. */
  static int[] paint(Random rnd, int[] rgb, int width, int height) {
    int x0 = rnd.nextInt(width);
    int y0 = rnd.nextInt(height);
    int x1 = x0 + 1 + rnd.nextInt(width - x0);
    int y1 = y0 + 1 + rnd.nextInt(height - y0);
    int style = rnd.nextInt(3);
    int colour = rnd.nextInt(0x1000000);
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        rgb[y * width + x] =
            switch (style) {
              case 0 -> colour;
              case 1 -> rnd.nextInt(0x1000000);
              default -> (colour + x * 0x010203 + y * 0x030201) & 0xFFFFFF;
            };
      }
    }
    return new int[] {x0, y0, x1 - x0, y1 - y0};
  }

  private static Sink v2(ByteArrayOutputStream out, SegmentHeader header) throws IOException {
    SegmentWriter w = new SegmentWriter(out, header);
    return new Sink() {
      public void frame(int screen, long time, int[] rgb, boolean key, int[] dirty)
          throws IOException {
        w.writeFrame(screen, time, rgb, key, dirty);
      }

      public void cursor(long time, int x, int y) throws IOException {
        w.writeCursor(time, x, y);
      }

      public void gap(long from, long until, GapReason reason) throws IOException {
        w.writeGap(from, until, reason);
      }

      public void close(long end) throws IOException {
        w.close(end);
      }

      public void close() throws IOException {
        w.close();
      }
    };
  }

  private static Sink v1(ByteArrayOutputStream out, SegmentHeader header) throws IOException {
    SegmentWriterV1 w = new SegmentWriterV1(out, header);
    return new Sink() {
      public void frame(int screen, long time, int[] rgb, boolean key, int[] dirty)
          throws IOException {
        w.writeFrame(screen, time, rgb, key);
      }

      public void cursor(long time, int x, int y) throws IOException {
        w.writeCursor(time, x, y);
      }

      public void gap(long from, long until, GapReason reason) throws IOException {
        w.writeGap(from, until, reason);
      }

      public void close(long end) throws IOException {
        w.close(end);
      }

      public void close() throws IOException {
        w.close();
      }
    };
  }
}
