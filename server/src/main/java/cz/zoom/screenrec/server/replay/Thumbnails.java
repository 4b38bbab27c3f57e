package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.server.storage.OwnerOnly;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrubber thumbnails: a small JPEG every {@link #STEP_MS} of a recording, and its poster ({@link
 * RecordingEncoder#THUMBNAIL_NAME}, the middle of it), cached in {@code <recording>/thumbs/}. They
 * are cut from the capture segments ({@link RecordingEncoder#stills}), not from a video: no
 * recording is encoded for them. The first request makes them all in one pass over the segments
 * (the capture format decodes forwards from each segment's key frame, so one by one would decode
 * the same stretch again for each). That pass runs in the background: a request waiting for it
 * would hold one of the browser's six connections to the server — the call page asks for a dozen
 * thumbnails at once, so the page's own media requests, and the next page opened, would queue
 * behind them. A thumbnail not made yet is answered at once as {@link Result.Pending}; the browser
 * asks again.
 */
public final class Thumbnails implements AutoCloseable {
  public static final long STEP_MS = 10_000;
  public static final int WIDTH = 160;

  /**
   * After a failed pass, requests do not start another one for this long (a broken file would be
   * decoded over and over).
   */
  static final long RETRY_FAILED_MS = 60_000;

  private static final Logger log = LoggerFactory.getLogger(Thumbnails.class);

  /** What a request for one thumbnail gets. */
  public sealed interface Result {
    /** The thumbnail, ready to send. */
    record Ready(Path file) implements Result {}

    /** Not made yet; being made now. */
    record Pending() implements Result {}

    /** No thumbnail at that instant (not a multiple of the step, or past the video's end). */
    record None() implements Result {}
  }

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingEncoder encoder;
  private final ExecutorService maker;

  /** Recordings whose pass is queued or running. */
  private final Set<String> making = ConcurrentHashMap.newKeySet();

  /** When a recording's last pass failed (System.nanoTime). */
  private final ConcurrentMap<String, Long> failedAt = new ConcurrentHashMap<>();

  public Thumbnails(RecordingStore store, LocalMediaStore media, RecordingEncoder encoder) {
    // one pass at a time: each decodes a whole recording and is CPU-bound
    this(
        store,
        media,
        encoder,
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "thumbnails");
              t.setDaemon(true);
              return t;
            }));
  }

  Thumbnails(
      RecordingStore store,
      LocalMediaStore media,
      RecordingEncoder encoder,
      ExecutorService maker) {
    this.store = store;
    this.media = media;
    this.encoder = encoder;
    this.maker = maker;
  }

  /**
   * The recording's poster: the picture in its middle, {@link RecordingEncoder#THUMBNAIL_WIDTH} px
   * wide (an encode made before kept its own).
   */
  public Result poster(Recording r) {
    Path encoded = media.recordingDir(r.id()).resolve(RecordingEncoder.THUMBNAIL_NAME);
    if (Files.isRegularFile(encoded)) {
      return new Result.Ready(encoded);
    }
    Path dir = media.recordingDir(r.id()).resolve("thumbs");
    Path file = dir.resolve(RecordingEncoder.THUMBNAIL_NAME);
    if (Files.isRegularFile(file)) {
      return new Result.Ready(file);
    }
    start(r, dir, r.videoDurationMs() == null ? 0 : r.videoDurationMs());
    return Files.isRegularFile(file) ? new Result.Ready(file) : new Result.Pending();
  }

  /** The thumbnail at {@code atMs} from the video's start; never waits for it to be made. */
  public Result thumbnail(Recording r, long atMs) {
    long duration = r.videoDurationMs() == null ? 0 : r.videoDurationMs();
    if (atMs < 0 || atMs % STEP_MS != 0 || atMs >= Math.max(duration, 1)) {
      return new Result.None();
    }
    Path dir = media.recordingDir(r.id()).resolve("thumbs");
    Path file = dir.resolve(atMs + ".jpg");
    if (Files.isRegularFile(file)) {
      return new Result.Ready(file);
    }
    start(r, dir, duration);
    // the pass may have written it between the check above and now
    return Files.isRegularFile(file) ? new Result.Ready(file) : new Result.Pending();
  }

  private void start(Recording r, Path dir, long duration) {
    Long failed = failedAt.get(r.id());
    if (failed != null && System.nanoTime() - failed < RETRY_FAILED_MS * 1_000_000L) {
      return;
    }
    if (!making.add(r.id())) {
      return;
    }
    try {
      maker.execute(
          () -> {
            try {
              makeAll(r, dir, duration);
              failedAt.remove(r.id());
            } catch (IOException | RuntimeException e) {
              failedAt.put(r.id(), System.nanoTime());
              log.warn("thumbnails of recording {} could not be made: {}", r.id(), e.toString());
            } finally {
              making.remove(r.id());
            }
          });
    } catch (RejectedExecutionException e) {
      making.remove(r.id()); // closing
    }
  }

  @Override
  public void close() {
    maker.shutdownNow();
  }

  private void makeAll(Recording r, Path dir, long duration) throws IOException {
    OwnerOnly.directories(dir);
    if (r.captureStartedAt() == null || duration <= 0) {
      return;
    }
    List<Path> segments =
        store.segments(r.id()).stream()
            .map(Segment::index)
            .map(i -> media.segmentPath(r.id(), i))
            .filter(Files::isRegularFile)
            .toList();
    long middle = (duration / 2) / STEP_MS * STEP_MS;
    long from = r.captureStartedAt();
    encoder.stills(
        segments,
        from,
        from + duration,
        STEP_MS,
        (at, picture) -> {
          write(picture, WIDTH, dir.resolve(at + ".jpg"));
          if (at == middle) {
            write(
                picture,
                RecordingEncoder.THUMBNAIL_WIDTH,
                dir.resolve(RecordingEncoder.THUMBNAIL_NAME));
          }
        });
  }

  private static void write(BufferedImage frame, int width, Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      return;
    }
    int w = Math.min(width, frame.getWidth());
    int h = Math.max(1, (int) Math.round((double) frame.getHeight() * w / frame.getWidth()));
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(frame, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
    Files.deleteIfExists(tmp);
    try (OutputStream out = Channels.newOutputStream(OwnerOnly.newFile(tmp))) {
      ImageIO.write(small, "jpg", out);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
