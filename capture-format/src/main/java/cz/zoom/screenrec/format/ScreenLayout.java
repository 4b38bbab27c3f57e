package cz.zoom.screenrec.format;

/** A captured monitor: its place on the virtual desktop and the size of its captured frames. */
public record ScreenLayout(int id, int x, int y, int width, int height) {
  public ScreenLayout {
    if (id < 0 || id > 255) {
      throw new IllegalArgumentException("screen id must be 0..255, was " + id);
    }
    if (width < 1
        || height < 1
        || width > FormatLimits.MAX_SCREEN_SIDE
        || height > FormatLimits.MAX_SCREEN_SIDE) {
      throw new IllegalArgumentException(
          "screen size must be 1.."
              + FormatLimits.MAX_SCREEN_SIDE
              + " each way, was "
              + width
              + "x"
              + height);
    }
  }
}
