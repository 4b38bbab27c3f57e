package cz.zoom.screenrec.encode;

import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleConsumer;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a recording's capture segments into one constant-frame-rate video plus a thumbnail.
 *
 * <p>At each output tick the video shows, per screen, the newest frame captured before the tick
 * plus half a frame interval (the capture nearest the tick): black before a screen's first frame,
 * dark grey ({@link #GAP_RGB}) during a recorded gap. Screens are composed side by side by their
 * layout. Segments are streamed: memory holds one canvas, one decoded frame per screen and the
 * encoder's own buffers, whatever the length.
 *
 * <p>Thread-safe: an instance keeps no state between calls, so one encoder may run several encodes
 * at once (each takes {@link EncoderSettings#threads()} encoder threads).
 */
public final class RecordingEncoder {
  private static final Logger log = LoggerFactory.getLogger(RecordingEncoder.class);

  /** Colour shown for a gap (paused, capture failed, ...): neutral dark grey. */
  public static final int GAP_RGB = 0x303030;

  /** Longest recording encoded; longer spans are refused rather than filling the disk. */
  public static final long MAX_DURATION_MS = 24L * 3600 * 1000;

  public static final int THUMBNAIL_WIDTH = 320;
  public static final String THUMBNAIL_NAME = "thumbnail.jpg";

  private final EncoderSettings settings;

  public RecordingEncoder(EncoderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public EncoderSettings settings() {
    return settings;
  }

  /** Name of the video file an encode writes into its output directory. */
  public String videoFileName() {
    return "video." + settings.codec().extension();
  }

  /**
   * Loads FFmpeg's native libraries (a few hundred ms on first use) and quiets its logging. Call at
   * start-up so the first encode does not pay for it; encode calls it anyway.
   */
  public static void preload() {
    Natives.load();
  }

  /** {@link #encode(List, long, long, Path, Duration)} with no time limit. */
  public EncodedVideo encode(
      List<Path> segmentsInIndexOrder, long startedAt, long endedAt, Path outputDir)
      throws IOException {
    return encode(segmentsInIndexOrder, startedAt, endedAt, outputDir, null);
  }

  /**
   * Encodes the segments into {@code outputDir}/video.&lt;ext&gt; and {@code
   * outputDir}/thumbnail.jpg. Both are written under temporary names and renamed when complete, so
   * a crash never leaves a half-written file under the final name.
   *
   * @param segmentsInIndexOrder segment files, index 0 first; unreadable ones are skipped
   * @param startedAt start of the video (UTC ms)
   * @param endedAt end of the video (UTC ms), after {@code startedAt}
   * @param budget longest the encode may take (counted from after the natives are loaded), or null
   *     for no limit; past it the encode stops between two frames and nothing is kept
   * @throws EncodingException when no segment is readable, FFmpeg fails or the budget runs out
   */
  public EncodedVideo encode(
      List<Path> segmentsInIndexOrder,
      long startedAt,
      long endedAt,
      Path outputDir,
      Duration budget)
      throws IOException {
    return encode(segmentsInIndexOrder, startedAt, endedAt, outputDir, budget, done -> {});
  }

  /**
   * {@link #encode(List, long, long, Path, Duration)}, telling {@code progress} the share of frames
   * done (0..1) every second of video.
   */
  public EncodedVideo encode(
      List<Path> segmentsInIndexOrder,
      long startedAt,
      long endedAt,
      Path outputDir,
      Duration budget,
      DoubleConsumer progress)
      throws IOException {
    Objects.requireNonNull(segmentsInIndexOrder, "segmentsInIndexOrder");
    Objects.requireNonNull(outputDir, "outputDir");
    if (endedAt <= startedAt) {
      throw new IllegalArgumentException(
          "endedAt (" + endedAt + ") must be after startedAt (" + startedAt + ")");
    }
    if (endedAt - startedAt > MAX_DURATION_MS) {
      throw new IllegalArgumentException(
          "recording lasts "
              + (endedAt - startedAt)
              + " ms, more than the "
              + MAX_DURATION_MS
              + " ms the encoder accepts");
    }
    Natives.load();
    if (!Files.isDirectory(outputDir)) {
      ownerOnly(Files.createDirectories(outputDir));
    }
    List<ScreenLayout> screens = new ArrayList<>();
    List<Path> readable = readHeaders(segmentsInIndexOrder, screens);
    if (readable.isEmpty()) {
      throw new EncodingException(
          "none of the " + segmentsInIndexOrder.size() + " segments is readable");
    }
    VideoLayout layout = VideoLayout.of(screens, settings.maxWidth(), settings.maxHeight());

    VideoCodec codec = settings.codec();
    int fps = settings.fps();
    int frames = (int) Math.max(1, Math.round((endedAt - startedAt) * fps / 1000.0));
    Path video = outputDir.resolve(videoFileName());
    Path thumbnail = outputDir.resolve(THUMBNAIL_NAME);
    Path videoTmp = outputDir.resolve("." + videoFileName() + ".part");
    Path thumbTmp = outputDir.resolve("." + THUMBNAIL_NAME + ".part");
    long began = System.nanoTime();
    boolean done = false;
    try (Canvas canvas = new Canvas(layout);
        SegmentEvents events = new SegmentEvents(readable)) {
      FFmpegFrameRecorder recorder = recorder(videoTmp, canvas);
      // FFmpeg creates the file with the process umask; screen recordings are the owner's alone
      ownerOnly(videoTmp);
      try {
        BufferedImage middle = null;
        long gapUntil = Long.MIN_VALUE;
        // Each tick shows the capture nearest to it, not the newest one before it: the client
        // captures on its own schedule, a few ms after each of our ticks, so "newest before" would
        // show every change one whole frame late. Nearest bounds the error by half a frame.
        long halfFrameMs = 500L / fps;
        for (int i = 0; i < frames; i++) {
          if (budget != null && System.nanoTime() - began > budget.toNanos()) {
            throw new EncodingException(
                "encoding took longer than its budget of "
                    + budget.toSeconds()
                    + " s; stopped at frame "
                    + i
                    + " of "
                    + frames);
          }
          long tick = startedAt + i * 1000L / fps;
          gapUntil = drawUntil(events, canvas, tick + halfFrameMs, gapUntil);
          Frame show = tick < gapUntil ? canvas.gapFrame(GAP_RGB) : canvas.frame();
          recorder.record(show);
          if (i % fps == 0) {
            progress.accept((double) i / frames);
          }
          if (i == frames / 2) {
            middle = canvas.snapshot(show);
          }
        }
        recorder.stop();
        writeThumbnail(middle, thumbTmp);
      } finally {
        recorder.release();
      }
      if (events.skipped() > 0 || events.truncated() > 0) {
        log.warn(
            "encoded with {} segment(s) skipped and {} truncated",
            events.skipped(),
            events.truncated());
      }
      move(videoTmp, video);
      move(thumbTmp, thumbnail);
      done = true;
      long bytes = Files.size(video);
      double seconds = (System.nanoTime() - began) / 1e9;
      log.info(
          "encoded {} frames {}x{} ({} ms of recording) as {} in {} s: {} bytes",
          frames,
          canvas.width(),
          canvas.height(),
          endedAt - startedAt,
          codec,
          String.format("%.1f", seconds),
          bytes);
      return new EncodedVideo(video, thumbnail, codec, bytes, frames * 1000L / fps, frames, layout);
    } catch (FFmpegFrameRecorder.Exception e) {
      throw new EncodingException(codec.encoderName() + " failed: " + e.getMessage(), e);
    } finally {
      if (!done) {
        Files.deleteIfExists(videoTmp);
        Files.deleteIfExists(thumbTmp);
      }
    }
  }

  /**
   * Draws every event before {@code until} onto the canvas; returns when the latest gap ends (a
   * frame inside a gap means the gap ended early).
   */
  private static long drawUntil(SegmentEvents events, Canvas canvas, long until, long gapUntil)
      throws IOException {
    for (SegmentEvent e = events.peek(); e != null && e.time() < until; e = events.peek()) {
      if (e instanceof SegmentEvent.Frame f) {
        canvas.draw(f.screenId(), f.width(), f.height(), f.rgb());
        gapUntil = Long.MIN_VALUE;
      } else if (e instanceof SegmentEvent.Gap g) {
        gapUntil = Math.max(gapUntil, g.until());
      }
      events.consume();
    }
    return gapUntil;
  }

  /** Receives the stills of {@link #stills}. */
  @FunctionalInterface
  public interface StillSink {
    /**
     * @param atMs ms from the start of the span
     * @param picture the whole composed picture, a copy of its own
     */
    void accept(long atMs, BufferedImage picture) throws IOException;
  }

  /**
   * What the video of these segments shows every {@code stepMs} from {@code startedAt} until {@code
   * endedAt}, without encoding one: the segments are decoded and composed as {@link #encode} does
   * (same layout, capture nearest the instant, grey in gaps), so a reviewer's scrubber and poster
   * cost one decode of the capture format and no video encode.
   */
  public void stills(
      List<Path> segmentsInIndexOrder, long startedAt, long endedAt, long stepMs, StillSink sink)
      throws IOException {
    if (stepMs < 1 || endedAt <= startedAt) {
      throw new IllegalArgumentException("no stills in " + startedAt + ".." + endedAt);
    }
    Natives.load();
    List<ScreenLayout> screens = new ArrayList<>();
    List<Path> readable = readHeaders(segmentsInIndexOrder, screens);
    if (readable.isEmpty()) {
      throw new EncodingException(
          "none of the " + segmentsInIndexOrder.size() + " segments is readable");
    }
    VideoLayout layout = VideoLayout.of(screens, settings.maxWidth(), settings.maxHeight());
    long halfFrameMs = 500L / settings.fps();
    try (Canvas canvas = new Canvas(layout);
        SegmentEvents events = new SegmentEvents(readable)) {
      long gapUntil = Long.MIN_VALUE;
      for (long at = 0; startedAt + at < endedAt; at += stepMs) {
        long instant = startedAt + at;
        gapUntil = drawUntil(events, canvas, instant + halfFrameMs, gapUntil);
        Frame show = instant < gapUntil ? canvas.gapFrame(GAP_RGB) : canvas.frame();
        sink.accept(at, canvas.snapshot(show));
      }
    }
  }

  /**
   * The layout {@link #encode} gives these segments' screens, from their headers alone: what a
   * video encoded before its layout was stored shows.
   *
   * @return empty when no segment header is readable
   * @throws IllegalArgumentException when the screens span more than {@link VideoLayout#MAX_SPAN}
   */
  public Optional<VideoLayout> layout(List<Path> segmentsInIndexOrder) {
    List<ScreenLayout> screens = new ArrayList<>();
    if (readHeaders(segmentsInIndexOrder, screens).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(VideoLayout.of(screens, settings.maxWidth(), settings.maxHeight()));
  }

  /** Adds the screens of each readable segment to {@code screens}; returns the readable ones. */
  private static List<Path> readHeaders(List<Path> segments, List<ScreenLayout> screens) {
    List<Path> readable = new ArrayList<>();
    for (Path p : segments) {
      try (InputStream in = Files.newInputStream(p);
          SegmentReader r = new SegmentReader(in)) {
        screens.addAll(r.header().screens());
        readable.add(p);
      } catch (IOException | RuntimeException e) {
        log.warn("segment {} is skipped: {}", p.getFileName(), e.getMessage());
      }
    }
    return readable;
  }

  private FFmpegFrameRecorder recorder(Path file, Canvas canvas)
      throws FFmpegFrameRecorder.Exception {
    VideoCodec codec = settings.codec();
    FFmpegFrameRecorder r =
        new FFmpegFrameRecorder(file.toFile(), canvas.width(), canvas.height(), 0);
    r.setFormat(codec.format());
    r.setVideoCodecName(codec.encoderName());
    r.setFrameRate(settings.fps());
    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    r.setImageScalingFlags(Natives.SWS_FLAGS);
    // A key frame every 10 s keeps seeking quick without paying for many full screens.
    r.setGopSize(settings.fps() * 10);
    r.setVideoBitrate(
        codec.bitrate(settings.quality(), canvas.width(), canvas.height(), settings.fps()));
    for (Map.Entry<String, String> o :
        codec.videoOptions(settings.quality(), settings.threads()).entrySet()) {
      r.setVideoOption(o.getKey(), o.getValue());
    }
    // swscale converts RGB with BT.601 limited-range coefficients; say so, or players guess.
    r.setVideoOption("colorspace", "smpte170m");
    r.setVideoOption("color_primaries", "smpte170m");
    r.setVideoOption("color_trc", "smpte170m");
    r.setVideoOption("color_range", "tv");
    for (Map.Entry<String, String> o : codec.formatOptions().entrySet()) {
      r.setOption(o.getKey(), o.getValue());
    }
    r.start();
    return r;
  }

  private static void writeThumbnail(BufferedImage frame, Path file) throws IOException {
    int w = Math.min(THUMBNAIL_WIDTH, frame.getWidth());
    int h = Math.max(1, (int) Math.round((double) frame.getHeight() * w / frame.getWidth()));
    BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = thumb.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(frame, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    Files.deleteIfExists(file);
    try (OutputStream out =
        Channels.newOutputStream(
            Files.newByteChannel(
                file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                ownerOnlyFile(file)))) {
      if (!ImageIO.write(thumb, "jpg", out)) {
        throw new EncodingException("no JPEG writer available for the thumbnail");
      }
    }
  }

  private static FileAttribute<?>[] ownerOnlyFile(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  private static void ownerOnly(Path path) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(
          path,
          PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------" : "rw-------"));
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
