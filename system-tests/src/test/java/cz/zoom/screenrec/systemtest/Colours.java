package cz.zoom.screenrec.systemtest;

import java.awt.Color;
import java.util.List;

/** Names the solid colours the tests paint, as seen in a decoded (lossy) video. */
enum Colours {
  BLACK(Color.BLACK),
  RED(Color.RED),
  GREEN(Color.GREEN),
  BLUE(Color.BLUE),
  OTHER(null);

  /**
   * Largest per-channel difference still taken for the colour; VP9/H.264 of a flat area stay far
   * inside it.
   */
  private static final int TOLERANCE = 48;

  final Color color;

  Colours(Color color) {
    this.color = color;
  }

  static Colours of(int rgb) {
    for (Colours c : List.of(BLACK, RED, GREEN, BLUE)) {
      if (Math.abs(((rgb >> 16) & 0xFF) - c.color.getRed()) <= TOLERANCE
          && Math.abs(((rgb >> 8) & 0xFF) - c.color.getGreen()) <= TOLERANCE
          && Math.abs((rgb & 0xFF) - c.color.getBlue()) <= TOLERANCE) {
        return c;
      }
    }
    return OTHER;
  }

  static String hex(int rgb) {
    return String.format("#%06x", rgb & 0xFFFFFF);
  }
}
