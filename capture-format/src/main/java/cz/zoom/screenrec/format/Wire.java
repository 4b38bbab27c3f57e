package cz.zoom.screenrec.format;

/** Constants of the segment layout shared by writer and reader (docs/capture-format.md). */
final class Wire {
  static final int MAGIC = 0x53524346; // "SRCF"
  static final int VERSION = 1;
  static final int TILE = 64;
  static final byte FRAME = 1;
  static final byte CURSOR = 2;
  static final byte GAP = 3;
  static final byte END = (byte) 0xFF;
  static final int FLAG_KEY = 1;
  /** Record types from here to 0xFE are optional: a reader that does not know one skips it. */
  static final int FIRST_OPTIONAL = 0x80;

  private Wire() {}

  static int tilesAcross(int width) {
    return (width + TILE - 1) / TILE;
  }

  static int tilesDown(int height) {
    return (height + TILE - 1) / TILE;
  }
}
