package cz.zoom.screenrec.client.testing;

import cz.zoom.screenrec.client.capture.ScreenImage;
import cz.zoom.screenrec.client.capture.ScreenSource;
import cz.zoom.screenrec.format.ScreenLayout;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Screens filled with a colour the test chooses; can be told to fail like a locked desktop. */
public final class PaintedScreenSource implements ScreenSource {
  private final List<ScreenLayout> screens;
  private volatile int color = 0x336699;
  private volatile boolean failing;
  private final AtomicInteger grabs = new AtomicInteger();

  public PaintedScreenSource(ScreenLayout... screens) {
    this.screens = List.of(screens);
  }

  /** Two monitors side by side, sizes that do not fill whole tiles. */
  public static PaintedScreenSource twoScreens() {
    return new PaintedScreenSource(
        new ScreenLayout(0, 0, 0, 130, 70), new ScreenLayout(1, 130, 0, 66, 40));
  }

  public void paint(int rgb) {
    color = rgb;
  }

  public void failing(boolean value) {
    failing = value;
  }

  public int grabs() {
    return grabs.get();
  }

  @Override
  public List<ScreenLayout> screens() {
    return screens;
  }

  @Override
  public ScreenImage grab(int screenId) {
    grabs.incrementAndGet();
    if (failing) {
      throw new IllegalStateException("screen is locked");
    }
    ScreenLayout s = screens.stream().filter(l -> l.id() == screenId).findFirst().orElseThrow();
    int[] rgb = new int[s.width() * s.height()];
    Arrays.fill(rgb, color);
    return new ScreenImage(s.width(), s.height(), rgb);
  }
}
