package cz.zoom.screenrec.client.capture;

/**
 * What one capture of a screen brought: its whole current picture and which parts of it changed
 * since the previous capture of that screen.
 *
 * @param image the screen's whole picture now; a change-driven source returns the same array every
 *     time and updates it in place, so it is valid until the next capture of the screen
 * @param dirtyRects x, y, width, height quadruples of the changed parts, in the image's pixels;
 *     null when the source cannot tell (every part may have changed); empty when nothing changed
 */
public record ScreenCapture(ScreenImage image, int[] dirtyRects) {
  /** No rectangle: nothing changed. */
  static final int[] NOTHING = new int[0];

  /** A capture without change information, as from java.awt.Robot. */
  public static ScreenCapture whole(ScreenImage image) {
    return new ScreenCapture(image, null);
  }

  /** Whether the source knows that nothing changed since its previous capture of this screen. */
  public boolean unchanged() {
    return dirtyRects != null && dirtyRects.length == 0;
  }
}
