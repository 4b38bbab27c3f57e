package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.imageio.ImageIO;

/**
 * Scrubber thumbnails: a small JPEG every {@link #STEP_MS} of a recording's video, cut with
 * VideoProbe.frameAt and cached in {@code <recording>/thumbs/}. The first request makes them all
 * in one pass over the video (frameAt decodes forwards, so one by one would decode the start of
 * the file again for each).
 */
public final class Thumbnails {
  public static final long STEP_MS = 10_000;
  public static final int WIDTH = 160;

  private final LocalMediaStore media;
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

  public Thumbnails(LocalMediaStore media) {
    this.media = media;
  }

  /** The thumbnail at {@code atMs} from the video's start; null if {@code atMs} is not one of its instants. */
  public Path thumbnail(Recording r, long atMs) throws IOException {
    long duration = r.videoDurationMs() == null ? 0 : r.videoDurationMs();
    if (atMs < 0 || atMs % STEP_MS != 0 || atMs >= Math.max(duration, 1)) {
      return null;
    }
    Path dir = media.recordingDir(r.id()).resolve("thumbs");
    Path file = dir.resolve(atMs + ".jpg");
    if (Files.isRegularFile(file)) {
      return file;
    }
    synchronized (locks.computeIfAbsent(r.id(), k -> new Object())) {
      if (!Files.isRegularFile(file)) {
        makeAll(r, dir, duration);
      }
    }
    return file;
  }

  private void makeAll(Recording r, Path dir, long duration) throws IOException {
    Files.createDirectories(dir);
    Path video = media.recordingDir(r.id()).resolve("video." + VideoCodec.fromId(r.videoCodec()).extension());
    try (VideoProbe probe = VideoProbe.open(video)) {
      for (long at = 0; at < Math.max(duration, 1); at += STEP_MS) {
        Path file = dir.resolve(at + ".jpg");
        if (Files.isRegularFile(file)) {
          probe.frameAt(at);
          continue;
        }
        BufferedImage frame = probe.frameAt(at);
        int h = Math.max(1, (int) Math.round((double) frame.getHeight() * WIDTH / frame.getWidth()));
        BufferedImage small = new BufferedImage(WIDTH, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
          g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
          g.drawImage(frame, 0, 0, WIDTH, h, null);
        } finally {
          g.dispose();
        }
        Path tmp = dir.resolve("." + at + ".jpg.part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          ImageIO.write(small, "jpg", out);
        }
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
