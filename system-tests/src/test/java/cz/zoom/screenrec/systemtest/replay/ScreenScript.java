package cz.zoom.screenrec.systemtest.replay;

import java.util.List;

/**
 * What a synthetic agent's screens show: monitor 0 goes through {@code changes} (colour from an
 * offset in ms from the recording's start), any other monitor shows {@code otherRgb} throughout.
 */
record ScreenScript(long durationMs, List<Change> changes, int otherRgb) {
  record Change(long atMs, int rgb) {}

  static final int BLACK = 0x000000;
  static final int RED = 0xFF0000;
  static final int GREEN = 0x00FF00;
  static final int BLUE = 0x0000FF;
  static final int WHITE = 0xFFFFFF;
  static final int YELLOW = 0xFFFF00;

  /**
   * The tests' call: black, then red, green and blue for three seconds each, one more second of
   * blue.
   */
  static ScreenScript colours() {
    return new ScreenScript(
        12_000,
        List.of(
            new Change(0, BLACK),
            new Change(2_000, RED),
            new Change(5_000, GREEN),
            new Change(8_000, BLUE)),
        YELLOW);
  }

  int rgbAt(int screenId, long ms) {
    if (screenId != 0) {
      return otherRgb;
    }
    int rgb = changes.get(0).rgb();
    for (Change c : changes) {
      if (c.atMs() <= ms) {
        rgb = c.rgb();
      }
    }
    return rgb;
  }

  /** Offsets where monitor 0 changes colour (not the first colour's start). */
  List<Long> changeTimes() {
    return changes.stream().skip(1).map(Change::atMs).toList();
  }

  /**
   * Distance in ms from {@code ms} to the nearest change, for skipping samples too close to one.
   */
  long distanceToChange(long ms) {
    return changeTimes().stream().mapToLong(c -> Math.abs(c - ms)).min().orElse(Long.MAX_VALUE);
  }

  /** Whether an RGB read from a decoded (lossy) picture is this colour. */
  static boolean looksLike(int expected, int r, int g, int b) {
    int tolerance = 60;
    return Math.abs(((expected >> 16) & 0xFF) - r) <= tolerance
        && Math.abs(((expected >> 8) & 0xFF) - g) <= tolerance
        && Math.abs((expected & 0xFF) - b) <= tolerance;
  }

  static String name(int rgb) {
    return switch (rgb) {
      case BLACK -> "black";
      case RED -> "red";
      case GREEN -> "green";
      case BLUE -> "blue";
      case WHITE -> "white";
      case YELLOW -> "yellow";
      default -> String.format("#%06x", rgb);
    };
  }
}
