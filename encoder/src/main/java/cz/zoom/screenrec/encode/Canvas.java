package cz.zoom.screenrec.encode;

import cz.zoom.screenrec.format.ScreenLayout;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.Frame;

/**
 * The one picture that is encoded at every tick: each screen has a slot, and a captured frame is
 * drawn into its slot when it arrives. Pixels live in a direct buffer (BGR24) that the recorder
 * reads as it is, so nothing is allocated per frame.
 */
final class Canvas implements AutoCloseable {
  /** A screen's place on the canvas, in canvas pixels (after scaling). */
  record Slot(int x, int y, int width, int height) {}

  private final int width;
  private final int height;
  private final int scale;
  private final Map<Integer, Slot> slots;
  private final Frame frame;
  private final ByteBuffer pixels;
  private final int stride;
  private final byte[] row;
  private Frame gapFrame;

  private Canvas(int width, int height, int scale, Map<Integer, Slot> slots) {
    this.width = width;
    this.height = height;
    this.scale = scale;
    this.slots = slots;
    this.frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
    this.pixels = (ByteBuffer) frame.image[0];
    this.stride = frame.imageStride;
    this.row = new byte[stride];
    // Frame's native memory comes from malloc and may hold an earlier encode's pixels; screens
    // must be black until their first frame.
    for (int y = 0; y < height; y++) {
      pixels.put(y * stride, row, 0, stride);
    }
  }

  /**
   * Places the screens by their desktop layout, or side by side in id order when the layout has
   * them overlapping (clients that do not know monitor positions report them all at 0,0).
   * Screens seen with several sizes get a slot as large as the largest.
   */
  static Canvas forScreens(Collection<ScreenLayout> seen, int maxWidth, int maxHeight) {
    Map<Integer, ScreenLayout> byId = new HashMap<>();
    for (ScreenLayout s : seen) {
      byId.merge(s.id(), s, (a, b) -> new ScreenLayout(a.id(), a.x(), a.y(),
          Math.max(a.width(), b.width()), Math.max(a.height(), b.height())));
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
    if (fullW > 16 * 16384L || fullH > 16 * 16384L) {
      throw new IllegalArgumentException("screen layout spans " + fullW + "x" + fullH + " pixels");
    }
    int scale = (int) Math.max(1, Math.max(ceilDiv(fullW, maxWidth), ceilDiv(fullH, maxHeight)));
    Map<Integer, Slot> slots = new HashMap<>();
    for (ScreenLayout s : screens) {
      slots.put(s.id(), new Slot((int) ((s.x() - minX) / scale), (int) ((s.y() - minY) / scale),
          (int) ceilDiv(s.width(), scale), (int) ceilDiv(s.height(), scale)));
    }
    // yuv420p subsamples 2x2, so both sides must be even.
    int w = (int) ceilDiv(fullW, scale);
    int h = (int) ceilDiv(fullH, scale);
    w = Math.max(2, (w + 1) & ~1);
    h = Math.max(2, (h + 1) & ~1);
    return new Canvas(w, h, scale, slots);
  }

  private static boolean overlap(List<ScreenLayout> screens) {
    for (int i = 0; i < screens.size(); i++) {
      ScreenLayout a = screens.get(i);
      for (int j = i + 1; j < screens.size(); j++) {
        ScreenLayout b = screens.get(j);
        if ((long) a.x() < (long) b.x() + b.width() && (long) b.x() < (long) a.x() + a.width()
            && (long) a.y() < (long) b.y() + b.height() && (long) b.y() < (long) a.y() + a.height()) {
          return true;
        }
      }
    }
    return false;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  int scale() {
    return scale;
  }

  Slot slot(int screenId) {
    return slots.get(screenId);
  }

  /** The frame to hand to the recorder; it always shows the canvas as it is now. */
  Frame frame() {
    return frame;
  }

  /** A frame of the gap colour, made on first use. */
  Frame gapFrame(int rgb) {
    if (gapFrame == null) {
      gapFrame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
      ByteBuffer b = (ByteBuffer) gapFrame.image[0];
      byte[] line = new byte[gapFrame.imageStride];
      for (int x = 0; x + 2 < line.length; x += 3) {
        line[x] = (byte) rgb;
        line[x + 1] = (byte) (rgb >> 8);
        line[x + 2] = (byte) (rgb >> 16);
      }
      for (int y = 0; y < height; y++) {
        b.put(y * gapFrame.imageStride, line, 0, line.length);
      }
    }
    return gapFrame;
  }

  /** Draws one screen's picture (0xRRGGBB, row by row) into its slot; unknown screens are ignored. */
  boolean draw(int screenId, int srcWidth, int srcHeight, int[] rgb) {
    Slot slot = slots.get(screenId);
    if (slot == null) {
      return false;
    }
    int w = Math.min(slot.width(), ceil(srcWidth));
    int h = Math.min(slot.height(), ceil(srcHeight));
    if (w < slot.width() || h < slot.height()) {
      fillSlot(slot, 0);
    }
    w = Math.min(w, width - slot.x());
    h = Math.min(h, height - slot.y());
    for (int y = 0; y < h; y++) {
      int src = (y * scale) * srcWidth;
      int n = 0;
      if (scale == 1) {
        for (int x = 0; x < w; x++) {
          int p = rgb[src + x];
          row[n] = (byte) p;
          row[n + 1] = (byte) (p >> 8);
          row[n + 2] = (byte) (p >> 16);
          n += 3;
        }
      } else {
        for (int x = 0; x < w; x++) {
          int p = rgb[src + x * scale];
          row[n] = (byte) p;
          row[n + 1] = (byte) (p >> 8);
          row[n + 2] = (byte) (p >> 16);
          n += 3;
        }
      }
      pixels.put((slot.y() + y) * stride + slot.x() * 3, row, 0, n);
    }
    return true;
  }

  private int ceil(int size) {
    return (size + scale - 1) / scale;
  }

  private void fillSlot(Slot slot, int rgb) {
    int w = Math.min(slot.width(), width - slot.x());
    int h = Math.min(slot.height(), height - slot.y());
    byte[] line = new byte[w * 3];
    for (int x = 0; x < line.length; x += 3) {
      line[x] = (byte) rgb;
      line[x + 1] = (byte) (rgb >> 8);
      line[x + 2] = (byte) (rgb >> 16);
    }
    for (int y = 0; y < h; y++) {
      pixels.put((slot.y() + y) * stride + slot.x() * 3, line, 0, line.length);
    }
  }

  /** Frees the native pixel memory now instead of at some later garbage collection. */
  @Override
  public void close() {
    frame.close();
    if (gapFrame != null) {
      gapFrame.close();
    }
  }

  /** A copy of what {@code f} (this canvas's frame or gap frame) shows. */
  BufferedImage snapshot(Frame f) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    ByteBuffer src = (ByteBuffer) f.image[0];
    for (int y = 0; y < height; y++) {
      src.get(y * f.imageStride, dst, y * width * 3, width * 3);
    }
    return img;
  }
}
