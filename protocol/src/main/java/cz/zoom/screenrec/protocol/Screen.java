package cz.zoom.screenrec.protocol;

/** One monitor of the agent's desktop, in virtual-desktop pixels. */
public record Screen(int id, int x, int y, int width, int height) {
  void validate() {
    Limits.requireRange("screen.id", id, 0, Limits.MAX_SCREENS - 1);
    Limits.requireRange("screen.x", x, -65536, 65536);
    Limits.requireRange("screen.y", y, -65536, 65536);
    Limits.requireRange("screen.width", width, 1, 16384);
    Limits.requireRange("screen.height", height, 1, 16384);
  }
}
