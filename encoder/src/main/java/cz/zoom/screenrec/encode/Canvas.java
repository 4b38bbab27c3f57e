package cz.zoom.screenrec.encode;

import cz.zoom.screenrec.encode.VideoLayout.Slot;
import cz.zoom.screenrec.format.ScreenLayout;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacv.Frame;

/**
 * The one picture that is encoded at every tick: each screen has a slot, and a captured frame is
 * drawn into its slot when it arrives. Pixels live in a direct buffer (BGR24) that the recorder
 * reads as it is, so nothing is allocated per frame.
 */
final class Canvas implements AutoCloseable {
  private final int width;
  private final int height;
  private final int scale;
  private final Map<Integer, Slot> slots = new HashMap<>();
  private final Frame frame;
  private final ByteBuffer pixels;
  private final int stride;
  private final byte[] row;
  private Frame gapFrame;

  /** A black canvas with a slot for each screen of {@code layout}. */
  Canvas(VideoLayout layout) {
    this.width = layout.width();
    this.height = layout.height();
    this.scale = layout.scale();
    for (ScreenLayout s : layout.screens()) {
      slots.put(s.id(), layout.slot(s));
    }
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

  /**
   * Draws one screen's picture (0xRRGGBB, row by row) into its slot; unknown screens are ignored.
   */
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
