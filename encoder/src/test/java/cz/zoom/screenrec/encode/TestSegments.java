package cz.zoom.screenrec.encode;

import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToIntFunction;

/** Writes capture segments of solid colours for the encoder tests. */
final class TestSegments {
  static final String RECORDING = "rec-1";

  private TestSegments() {}

  /**
   * Writes one segment per {@code segmentMs} covering [start, end) at {@code fps}, each frame of
   * every screen filled with {@code colour(time)} (per screen: colour + screen id, see callers).
   */
  static List<Path> solid(
      Path dir,
      List<ScreenLayout> screens,
      long start,
      long end,
      int fps,
      long segmentMs,
      ScreenColour colour)
      throws IOException {
    List<Path> out = new ArrayList<>();
    int index = 0;
    for (long segStart = start; segStart < end; segStart += segmentMs, index++) {
      Path p = dir.resolve("segment-" + index + ".seg");
      long segEnd = Math.min(end, segStart + segmentMs);
      try (OutputStream os = Files.newOutputStream(p)) {
        SegmentWriter w =
            new SegmentWriter(os, new SegmentHeader(RECORDING, index, segStart, screens));
        for (long t = segStart; t < segEnd; t += 1000 / fps) {
          for (ScreenLayout s : screens) {
            int[] px = new int[s.width() * s.height()];
            Arrays.fill(px, colour.at(s.id(), t - start));
            w.writeFrame(s.id(), t, px, false);
          }
        }
        w.close(segEnd);
      }
      out.add(p);
    }
    return out;
  }

  static List<Path> solid(
      Path dir,
      int width,
      int height,
      long start,
      long end,
      int fps,
      long segmentMs,
      LongToIntFunction colour)
      throws IOException {
    return solid(
        dir,
        List.of(new ScreenLayout(0, 0, 0, width, height)),
        start,
        end,
        fps,
        segmentMs,
        (screen, t) -> colour.applyAsInt(t));
  }

  interface ScreenColour {
    /** Colour of screen {@code id} at {@code t} ms after the start. */
    int at(int id, long t);
  }

  /** Red for 0-2 s, green for 2-4 s, blue from 4 s. */
  static int rgbThirds(long t) {
    return t < 2000 ? 0xFF0000 : t < 4000 ? 0x00FF00 : 0x0000FF;
  }
}
