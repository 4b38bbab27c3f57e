package cz.zoom.screenrec.format;

import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A lossy, temporally predicted coding of one rectangle of a screen: the VIDEO records of capture
 * format 3 (docs/capture-format.md, section 2.7). The format itself stays pure Java; an
 * implementation (module {@code screenrec-capture-video}, VP8 through FFmpeg) is found on the class
 * path, so a writer without one writes lossless tiles only and a reader without one reports a
 * segment with VIDEO records as truncated at the first of them.
 */
public interface RegionCodec {
  /** The codec byte of a VIDEO record (1 = VP8). */
  int id();

  /**
   * An encoder of a {@code width} x {@code height} rectangle coded as {@code codedWidth} x {@code
   * codedHeight} (smaller when the resolution is reduced), aiming at {@code kbps} on average.
   */
  Encoder newEncoder(int width, int height, int codedWidth, int codedHeight, int kbps)
      throws IOException;

  /** A decoder of one stream of {@code codedWidth} x {@code codedHeight} pictures. */
  Decoder newDecoder(int codedWidth, int codedHeight) throws IOException;

  /** One stream of pictures; the first one it codes is a key frame. */
  interface Encoder extends AutoCloseable {
    /**
     * Codes the rectangle at (x, y) of a picture {@code stride} pixels wide, shown from {@code
     * timeMs}. Returns the coded picture (never empty).
     */
    byte[] encode(int[] picture, int stride, int x, int y, long timeMs, boolean key)
        throws IOException;

    @Override
    void close();
  }

  /** One stream of coded pictures, decoded in order. */
  interface Decoder extends AutoCloseable {
    /**
     * Decodes one coded picture and draws it, scaled to {@code width} x {@code height}, into the
     * rectangle at (x, y) of a picture {@code stride} pixels wide.
     *
     * @throws IOException if the data is not a valid coded picture of this stream
     */
    void decode(
        byte[] data,
        int offset,
        int length,
        int[] picture,
        int stride,
        int x,
        int y,
        int width,
        int height)
        throws IOException;

    @Override
    void close();
  }

  /** The codec of that id on the class path, if any. */
  static Optional<RegionCodec> find(int id) {
    for (RegionCodec c : ServiceLoader.load(RegionCodec.class)) {
      if (c.id() == id) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
