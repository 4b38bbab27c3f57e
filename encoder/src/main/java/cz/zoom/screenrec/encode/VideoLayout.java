package cz.zoom.screenrec.encode;

import cz.zoom.screenrec.format.ScreenLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the encoder composes a recording's screens into one video picture (the canvas). The replay
 * crops one monitor out of the video with it, so it is stored beside the video rather than worked
 * out again from the segments.
 *
 * @param width the canvas (video frame) width, even
 * @param height the canvas height, even
 * @param scale the canvas shows every {@code scale}-th desktop pixel each way
 * @param screens each screen's rectangle in desktop pixels, counted from the top-left corner of all
 *     screens, in id order; its place on the canvas is {@link #slot}
 */
public record VideoLayout(int width, int height, int scale, List<ScreenLayout> screens) {
  /** Widest and tallest span of screens laid out; a larger one is refused rather than allocated. */
  public static final long MAX_SPAN = 16 * 16384L;

  /** A screen's place on the canvas, in canvas pixels (after scaling). */
  public record Slot(int x, int y, int width, int height) {}

  public VideoLayout {
    if (width < 2 || height < 2 || scale < 1) {
      throw new IllegalArgumentException("canvas " + width + "x" + height + " at scale " + scale);
    }
    screens = List.copyOf(screens);
  }

  /**
   * Places the screens by their desktop layout, or side by side in id order when the layout has
   * them overlapping (clients that do not know monitor positions report them all at 0,0). Screens
   * seen with several sizes (segments of one recording) get a place as large as the largest. A span
   * wider or taller than {@code maxWidth} x {@code maxHeight} is scaled down by a whole factor.
   *
   * @throws IllegalArgumentException when the screens span more than {@link #MAX_SPAN} pixels
   */
  public static VideoLayout of(Collection<ScreenLayout> seen, int maxWidth, int maxHeight) {
    Map<Integer, ScreenLayout> byId = new HashMap<>();
    for (ScreenLayout s : seen) {
      byId.merge(
          s.id(),
          s,
          (a, b) ->
              new ScreenLayout(
                  a.id(),
                  a.x(),
                  a.y(),
                  Math.max(a.width(), b.width()),
                  Math.max(a.height(), b.height())));
    }
    List<ScreenLayout> screens = new ArrayList<>(byId.values());
    screens.sort(Comparator.comparingInt(ScreenLayout::id));
    if (overlap(screens)) {
      List<ScreenLayout> row = new ArrayList<>();
      int x = 0;
      for (ScreenLayout s : screens) {
        row.add(new ScreenLayout(s.id(), x, 0, s.width(), s.height()));
        x += s.width();
      }
      screens = row;
    }
    long minX = Long.MAX_VALUE;
    long minY = Long.MAX_VALUE;
    long maxX = Long.MIN_VALUE;
    long maxY = Long.MIN_VALUE;
    for (ScreenLayout s : screens) {
      minX = Math.min(minX, s.x());
      minY = Math.min(minY, s.y());
      maxX = Math.max(maxX, (long) s.x() + s.width());
      maxY = Math.max(maxY, (long) s.y() + s.height());
    }
    long fullW = maxX - minX;
    long fullH = maxY - minY;
    if (fullW > MAX_SPAN || fullH > MAX_SPAN) {
      throw new IllegalArgumentException("screen layout spans " + fullW + "x" + fullH + " pixels");
    }
    int scale = (int) Math.max(1, Math.max(ceilDiv(fullW, maxWidth), ceilDiv(fullH, maxHeight)));
    List<ScreenLayout> placed = new ArrayList<>();
    for (ScreenLayout s : screens) {
      placed.add(
          new ScreenLayout(
              s.id(), (int) (s.x() - minX), (int) (s.y() - minY), s.width(), s.height()));
    }
    // yuv420p subsamples 2x2, so both sides must be even.
    int w = (int) ceilDiv(fullW, scale);
    int h = (int) ceilDiv(fullH, scale);
    w = Math.max(2, (w + 1) & ~1);
    h = Math.max(2, (h + 1) & ~1);
    return new VideoLayout(w, h, scale, placed);
  }

  private static boolean overlap(List<ScreenLayout> screens) {
    for (int i = 0; i < screens.size(); i++) {
      ScreenLayout a = screens.get(i);
      for (int j = i + 1; j < screens.size(); j++) {
        ScreenLayout b = screens.get(j);
        if ((long) a.x() < (long) b.x() + b.width()
            && (long) b.x() < (long) a.x() + a.width()
            && (long) a.y() < (long) b.y() + b.height()
            && (long) b.y() < (long) a.y() + a.height()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Where {@code screen} (one of {@link #screens}) is drawn on the canvas. */
  public Slot slot(ScreenLayout screen) {
    return new Slot(
        screen.x() / scale,
        screen.y() / scale,
        (int) ceilDiv(screen.width(), scale),
        (int) ceilDiv(screen.height(), scale));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
