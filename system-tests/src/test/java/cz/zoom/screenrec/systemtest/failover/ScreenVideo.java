package cz.zoom.screenrec.systemtest.failover;

import cz.zoom.screenrec.encode.VideoProbe;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What an encoded recording shows: the solid colour of each of its frames, by video time. */
final class ScreenVideo {
  /** Solid colours the tests paint, as seen in a decoded (lossy) video. */
  enum Paint {
    BLACK(Color.BLACK),
    RED(Color.RED),
    GREEN(Color.GREEN),
    BLUE(Color.BLUE),
    OTHER(null);

    /**
     * Largest per-channel difference still taken for the colour; VP9 of a flat area stays far
     * inside it.
     */
    private static final int TOLERANCE = 48;

    final Color color;

    Paint(Color color) {
      this.color = color;
    }

    static Paint of(int rgb) {
      for (Paint c : List.of(BLACK, RED, GREEN, BLUE)) {
        if (Math.abs(((rgb >> 16) & 0xFF) - c.color.getRed()) <= TOLERANCE
            && Math.abs(((rgb >> 8) & 0xFF) - c.color.getGreen()) <= TOLERANCE
            && Math.abs((rgb & 0xFF) - c.color.getBlue()) <= TOLERANCE) {
          return c;
        }
      }
      return OTHER;
    }
  }

  record Frame(long ms, int rgb, Paint paint) {}

  private final List<Frame> frames;

  private ScreenVideo(List<Frame> frames) {
    this.frames = frames;
  }

  /** Every distinct frame of the video with the mean colour of a central square. */
  static ScreenVideo read(Path video, long frameMs) throws Exception {
    VideoProbe.Info info = VideoProbe.probe(video);
    List<Frame> out = new ArrayList<>();
    try (VideoProbe probe = VideoProbe.open(video)) {
      int side = Math.max(8, Math.min(probe.width(), probe.height()) / 8);
      int x = (probe.width() - side) / 2;
      int y = (probe.height() - side) / 2;
      long last = Long.MIN_VALUE;
      // sampling at a quarter of the frame interval visits every frame even if timestamps jitter
      for (long ms = 0; ms <= info.durationMs() + frameMs; ms += frameMs / 4) {
        int rgb = probe.meanRgbAt(ms, x, y, side, side);
        long shownMs = probe.currentFrameMs();
        if (shownMs != last) {
          out.add(new Frame(shownMs, rgb, Paint.of(rgb)));
          last = shownMs;
        }
      }
    }
    return new ScreenVideo(out);
  }

  List<Frame> frames() {
    return frames;
  }

  /** The colour shown at video time {@code ms}. */
  Paint at(long ms) {
    Frame shown = frames.get(0);
    for (Frame f : frames) {
      if (f.ms() <= ms) {
        shown = f;
      }
    }
    return shown.paint();
  }

  /** Video time of the first frame showing {@code paint}, or -1. */
  long firstFrameOf(Paint paint) {
    return frames.stream()
        .filter(f -> f.paint() == paint)
        .mapToLong(Frame::ms)
        .findFirst()
        .orElse(-1);
  }

  /**
   * Runs of one colour: {@code "0 BLACK 3400 RED 6200 GREEN (41 frames)"}, for failure messages.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("frames (ms colour):");
    Paint prev = null;
    for (Frame f : frames) {
      if (f.paint() != prev) {
        sb.append(' ').append(f.ms()).append(' ').append(f.paint());
        if (f.paint() == Paint.OTHER) {
          sb.append(String.format("#%06x", f.rgb() & 0xFFFFFF));
        }
        prev = f.paint();
      }
    }
    return sb.append(" (").append(frames.size()).append(" frames)").toString();
  }
}
