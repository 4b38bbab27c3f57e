package cz.zoom.screenrec.encode;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Reads an encoded video back: what it contains ({@link #probe}, {@link #verify}) and what it shows
 * at a given time ({@link #frameAt}, {@link #rgbAt}). Used to check a file before it is called
 * READY and by tests that check colours at times. One instance is for one thread; asking for times
 * in increasing order decodes the file once, going back reopens it.
 */
public final class VideoProbe implements AutoCloseable {

  /**
   * What a video file holds.
   *
   * @param durationMs length in ms (container duration, else last packet's end)
   * @param frames video packets (one per frame for the encoders used here)
   * @param width picture width
   * @param height picture height
   * @param codecName FFmpeg's name of the video codec (vp9, h264, av1)
   * @param formatName FFmpeg's name of the container
   */
  public record Info(
      long durationMs, int frames, int width, int height, String codecName, String formatName) {}

  private final Path file;
  private FFmpegFrameGrabber grabber;
  private BufferedImage current;
  private long currentUs = Long.MIN_VALUE;
  private BufferedImage next;
  private long nextUs;
  private boolean ended;

  private VideoProbe(Path file) throws IOException {
    this.file = file;
    reopen();
  }

  /** Opens {@code file} for sampling frames. */
  public static VideoProbe open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IOException("no video file at " + file);
    }
    Natives.load();
    return new VideoProbe(file);
  }

  /**
   * Reads the container and every packet without decoding them, then decodes the first frame: a
   * cheap check that the file is complete and playable (well under a second per hour of video).
   */
  public static Info probe(Path file) throws IOException {
    Natives.load();
    if (!Files.isRegularFile(file)) {
      throw new IOException("no video file at " + file);
    }
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.start();
      AVFormatContext fc = g.getFormatContext();
      int video = -1;
      for (int i = 0; i < fc.nb_streams(); i++) {
        if (fc.streams(i).codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
          video = i;
          break;
        }
      }
      if (video < 0) {
        throw new IOException(file.getFileName() + " has no video stream");
      }
      AVStream stream = fc.streams(video);
      AVRational tb = stream.time_base();
      String codec = avcodec.avcodec_get_name(stream.codecpar().codec_id()).getString();
      String format = g.getFormat();
      int width = g.getImageWidth();
      int height = g.getImageHeight();
      long containerUs = g.getLengthInTime();
      int packets = 0;
      long endPts = Long.MIN_VALUE;
      for (AVPacket p = g.grabPacket(); p != null; p = g.grabPacket()) {
        if (p.stream_index() == video) {
          packets++;
          if (p.pts() != avutil.AV_NOPTS_VALUE) {
            endPts = Math.max(endPts, p.pts() + Math.max(0, p.duration()));
          }
        }
      }
      long durationMs =
          containerUs > 0
              ? containerUs / 1000
              : endPts == Long.MIN_VALUE ? 0 : endPts * 1000L * tb.num() / tb.den();
      if (packets == 0) {
        throw new IOException(file.getFileName() + " has no video frames");
      }
      g.stop();
      try (FFmpegFrameGrabber d = new FFmpegFrameGrabber(file.toFile())) {
        d.start();
        if (d.grabImage() == null) {
          throw new IOException(file.getFileName() + ": the first frame does not decode");
        }
      }
      return new Info(durationMs, packets, width, height, codec, format);
    } catch (FrameGrabber.Exception e) {
      throw new IOException(file.getFileName() + " is not a readable video: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes every frame; returns how many decoded. Slower than {@link #probe} but proves the whole
   * file.
   */
  public static int verify(Path file) throws IOException {
    Natives.load();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.start();
      int n = 0;
      while (g.grabImage() != null) {
        n++;
      }
      return n;
    } catch (FrameGrabber.Exception e) {
      throw new IOException(file.getFileName() + " does not decode: " + e.getMessage(), e);
    }
  }

  /** Width and height of the decoded picture. */
  public int width() {
    return grabber.getImageWidth();
  }

  public int height() {
    return grabber.getImageHeight();
  }

  /** Container duration in ms (0 if the container does not say). */
  public long durationMs() {
    return Math.max(0, grabber.getLengthInTime() / 1000);
  }

  /**
   * The picture a player shows at {@code ms} from the start: the last frame whose timestamp is at
   * or before it (the first frame for earlier times, the last one for later times). The image is a
   * copy the caller may keep.
   */
  public BufferedImage frameAt(long ms) throws IOException {
    long us = ms * 1000;
    try {
      if (current != null && us < currentUs) {
        reopen();
      }
      if (current == null) {
        Frame f = grabber.grabImage();
        if (f == null) {
          throw new IOException(file.getFileName() + " has no decodable frame");
        }
        current = copy(f);
        currentUs = f.timestamp;
        loadNext();
      }
      while (!ended && nextUs <= us) {
        current = next;
        currentUs = nextUs;
        loadNext();
      }
      return current;
    } catch (FrameGrabber.Exception e) {
      throw new IOException(
          file.getFileName() + " does not decode at " + ms + " ms: " + e.getMessage(), e);
    }
  }

  /** Colour (0xRRGGBB) of one pixel at {@code ms}. */
  public int rgbAt(long ms, int x, int y) throws IOException {
    return frameAt(ms).getRGB(x, y) & 0xFFFFFF;
  }

  /**
   * Mean colour (0xRRGGBB) of a rectangle at {@code ms}; less sensitive to coding noise than one
   * pixel.
   */
  public int meanRgbAt(long ms, int x, int y, int w, int h) throws IOException {
    BufferedImage img = frameAt(ms);
    long r = 0;
    long g = 0;
    long b = 0;
    int n = 0;
    for (int yy = y; yy < Math.min(y + h, img.getHeight()); yy++) {
      for (int xx = x; xx < Math.min(x + w, img.getWidth()); xx++) {
        int p = img.getRGB(xx, yy);
        r += (p >> 16) & 0xFF;
        g += (p >> 8) & 0xFF;
        b += p & 0xFF;
        n++;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException(
          "rectangle " + x + "," + y + " " + w + "x" + h + " is outside the picture");
    }
    return (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
  }

  /** Timestamp (ms) of the frame the last {@link #frameAt} returned. */
  public long currentFrameMs() {
    return currentUs / 1000;
  }

  private void loadNext() throws FrameGrabber.Exception {
    Frame f = grabber.grabImage();
    if (f == null) {
      ended = true;
      next = null;
    } else {
      next = copy(f);
      nextUs = f.timestamp;
    }
  }

  private void reopen() throws IOException {
    closeGrabber();
    current = null;
    next = null;
    ended = false;
    currentUs = Long.MIN_VALUE;
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    g.setImageScalingFlags(Natives.SWS_FLAGS);
    try {
      g.start();
    } catch (FrameGrabber.Exception e) {
      throw new IOException(file.getFileName() + " is not a readable video: " + e.getMessage(), e);
    }
    grabber = g;
  }

  private static BufferedImage copy(Frame f) {
    BufferedImage img =
        new BufferedImage(f.imageWidth, f.imageHeight, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    ByteBuffer src = (ByteBuffer) f.image[0];
    int row = f.imageWidth * 3;
    for (int y = 0; y < f.imageHeight; y++) {
      src.get(y * f.imageStride, dst, y * row, row);
    }
    return img;
  }

  private void closeGrabber() {
    if (grabber != null) {
      try {
        grabber.close();
      } catch (FrameGrabber.Exception ignored) {
        // closing a reader; nothing to lose
      }
      grabber = null;
    }
  }

  @Override
  public void close() {
    closeGrabber();
  }
}
