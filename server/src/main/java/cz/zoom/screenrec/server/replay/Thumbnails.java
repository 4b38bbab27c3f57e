package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.server.recording.Recording;
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
 * Scrubber thumbnails: a small JPEG every {@link #STEP_MS} of a recording's video, cut with
 * VideoProbe.frameAt and cached in {@code <recording>/thumbs/}. The first request makes them all in
 * one pass over the video (frameAt decodes forwards, so one by one would decode the start of the
 * file again for each). That pass runs in the background: for a 30-minute call it takes half a
 * minute or more, and a request waiting for it would hold one of the browser's six connections to
 * the server — the call page asks for a dozen thumbnails at once, so the page's own media requests,
 * and the next page opened, would queue behind them. A thumbnail not made yet is answered at once
 * as {@link Result.Pending}; the browser asks again.
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

  private final LocalMediaStore media;
  private final ExecutorService maker;

  /** Recordings whose pass is queued or running. */
  private final Set<String> making = ConcurrentHashMap.newKeySet();

  /** When a recording's last pass failed (System.nanoTime). */
  private final ConcurrentMap<String, Long> failedAt = new ConcurrentHashMap<>();

  public Thumbnails(LocalMediaStore media) {
    // one pass at a time: each decodes a whole video and is CPU-bound
    this(
        media,
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "thumbnails");
              t.setDaemon(true);
              return t;
            }));
  }

  Thumbnails(LocalMediaStore media, ExecutorService maker) {
    this.media = media;
    this.maker = maker;
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
    Path video =
        media
            .recordingDir(r.id())
            .resolve("video." + VideoCodec.fromId(r.videoCodec()).extension());
    try (VideoProbe probe = VideoProbe.open(video)) {
      for (long at = 0; at < Math.max(duration, 1); at += STEP_MS) {
        Path file = dir.resolve(at + ".jpg");
        if (Files.isRegularFile(file)) {
          probe.frameAt(at);
          continue;
        }
        BufferedImage frame = probe.frameAt(at);
        int h =
            Math.max(1, (int) Math.round((double) frame.getHeight() * WIDTH / frame.getWidth()));
        BufferedImage small = new BufferedImage(WIDTH, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
          g.setRenderingHint(
              RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
          g.drawImage(frame, 0, 0, WIDTH, h, null);
        } finally {
          g.dispose();
        }
        Path tmp = dir.resolve("." + at + ".jpg.part");
        Files.deleteIfExists(tmp);
        try (OutputStream out = Channels.newOutputStream(OwnerOnly.newFile(tmp))) {
          ImageIO.write(small, "jpg", out);
        }
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
