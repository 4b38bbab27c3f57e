package cz.zoom.screenrec.format;

/** Constants of the segment layout shared by writer and reader (docs/capture-format.md). */
final class Wire {
  static final int MAGIC = 0x53524346; // "SRCF"

  /**
   * What the writer writes. Version 2 changed the FRAME body (moves, tile modes); version 3 added
   * VIDEO records (lossy regions) and key frames that leave a video region's tiles out.
   */
  static final int VERSION = 3;

  /** Oldest version the reader still decodes. */
  static final int OLDEST_READABLE = 1;

  static final int TILE = 64;
  static final byte FRAME = 1;
  static final byte CURSOR = 2;
  static final byte GAP = 3;
  static final byte VIDEO = 4;
  static final byte END = (byte) 0xFF;
  static final int FLAG_KEY = 1;

  /** VIDEO flag: the screen's lossy stream ends here (no picture follows). */
  static final int FLAG_END = 2;

  /** Record types from here to 0xFE are optional: a reader that does not know one skips it. */
  static final int FIRST_OPTIONAL = 0x80;

  /** Tile modes of version 2, the first byte of each present tile in the inflated tile data. */
  static final int MODE_RAW = 0;

  static final int MODE_SOLID = 1;
  static final int MODE_XOR = 2;
  static final int MODE_SUB = 3;

  /** Most moves (copy-rects) in one frame. */
  static final int MAX_MOVES = 16;

  static final int MOVE_BYTES = 12;

  private Wire() {}

  static int tilesAcross(int width) {
    return (width + TILE - 1) / TILE;
  }

  static int tilesDown(int height) {
    return (height + TILE - 1) / TILE;
  }

  /**
   * Copies a w x h rectangle of a picture from (sx, sy) to (dx, dy) as if through a temporary
   * buffer, so overlapping source and destination (a scroll) come out right.
   */
  static void move(int[] px, int width, int sx, int sy, int w, int h, int dx, int dy) {
    if (dy > sy) {
      for (int r = h - 1; r >= 0; r--) {
        System.arraycopy(px, (sy + r) * width + sx, px, (dy + r) * width + dx, w);
      }
    } else {
      for (int r = 0; r < h; r++) {
        System.arraycopy(px, (sy + r) * width + sx, px, (dy + r) * width + dx, w);
      }
    }
  }
}
