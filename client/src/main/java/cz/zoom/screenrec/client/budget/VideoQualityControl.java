package cz.zoom.screenrec.client.budget;

import cz.zoom.screenrec.format.VideoRegions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what the recorder writes within the upload budget by degrading the moving (lossy) regions
 * only, in this order: their quality (the codec's bitrate), then their resolution, then their frame
 * rate. Text and everything else stays exact, so what it costs is taken off the top first. Looks at
 * the bytes of the last 10 s once a second; recovers the same way when the content calms. Confined
 * to the capture thread.
 */
public final class VideoQualityControl {
  private static final Logger log = LoggerFactory.getLogger(VideoQualityControl.class);

  /** What the lossy regions get when there is no budget (a server before the budget). */
  static final int UNBUDGETED_KBPS = 2500;

  /** Share of the budget the writer aims at: room for HTTP and TLS overhead and key frames. */
  static final double AIM = 0.85;

  /** Least bitrate a lossy region is given, however little is left. */
  static final int MIN_VIDEO_KBPS = 30;

  /**
   * Share of the aim the lossy regions keep however much exact content cost in the last 10 s: a
   * burst of exact tiles (a window change, the frames before a video is recognised) would otherwise
   * starve the video for 10 s; the upload pacing holds the wire to the budget meanwhile, and the
   * spool takes the difference.
   */
  static final double VIDEO_FLOOR = 0.3;

  /**
   * Bits per pixel per coded picture below which half the width and height look better than full
   * size. The capture bench's player workloads (moving part PSNR, full against half size): the
   * 854x480 window at 850 kbit/s (0.33 bit/pixel at full size, its region's edges are text) 36.7
   * against 34.0 dB; full-screen video at 2125 kbit/s (0.2) 33.3 against 37.8, for half the CPU.
   */
  static final double FULL_SIZE_BITS_PER_PIXEL = 0.3;

  /**
   * Bits per pixel per coded picture below which fewer pictures look better than more starved ones:
   * VP8 at about 0.1 is near 33 dB on grainy video, 0.2 near 37.
   */
  static final double MIN_BITS_PER_PIXEL = 0.2;

  /**
   * Frame interval and scale divisor, tried in order: resolution before frame rate, because a
   * skipped picture of video is wrong everywhere until the next one (the capture bench's
   * full-screen video at 1000 kbit/s every 2nd picture: 18.6 dB), a smaller one only in detail.
   */
  private static final int[][] LADDER = {{1, 1}, {1, 2}, {2, 2}, {4, 2}, {8, 2}};

  private static final int WINDOW_S = 10;

  private final UploadBudget budget;
  private final VideoRegions regions;
  private final long[] total = new long[WINDOW_S];
  private final long[] video = new long[WINDOW_S];
  private long second = Long.MIN_VALUE;
  private long lastTotal;
  private long lastVideo;
  private int fps;

  public VideoQualityControl(UploadBudget budget, VideoRegions regions, int fps) {
    this.budget = budget;
    this.regions = regions;
    this.fps = fps;
  }

  public void fps(int fps) {
    this.fps = fps;
  }

  /**
   * Learns the writers' byte counters (cumulative over the recording) at {@code nowMs}; once a
   * second sets the regions' quality for what the budget leaves.
   */
  public void written(long nowMs, long totalBytes, long videoBytes) {
    long s = nowMs / 1000;
    if (second == Long.MIN_VALUE) {
      second = s;
    }
    int slot = (int) Math.floorMod(s, WINDOW_S);
    if (s != second) {
      for (long k = second + 1; k <= s && k <= second + WINDOW_S; k++) {
        int i = (int) Math.floorMod(k, WINDOW_S);
        total[i] = 0;
        video[i] = 0;
      }
      second = s;
      VideoRegions.Quality before = regions.quality();
      VideoRegions.Quality next = decide();
      regions.quality(next);
      if (before.frameInterval() != next.frameInterval()
          || before.scaleDivisor() != next.scaleDivisor()) {
        log.info(
            "moving regions now coded at {} kbit/s, every {}. frame, 1/{} size (budget {} kbit/s)",
            next.kbps(),
            next.frameInterval(),
            next.scaleDivisor(),
            budget.kbps());
      } else if (before.kbps() != next.kbps()) {
        log.debug("moving regions now coded at {} kbit/s", next.kbps());
      }
    }
    total[slot] += Math.max(0, totalBytes - lastTotal);
    video[slot] += Math.max(0, videoBytes - lastVideo);
    lastTotal = totalBytes;
    lastVideo = videoBytes;
  }

  /** The quality for the next second. */
  public VideoRegions.Quality decide() {
    int kbps = budget.kbps();
    if (kbps == 0) {
      return new VideoRegions.Quality(UNBUDGETED_KBPS, 1, 1);
    }
    // the median second of exact content: what text keeps costing, not a one-off burst (the key
    // frame of a whole screen, a window change), which the spool and the pacing absorb
    long[] tiles = new long[WINDOW_S];
    for (int i = 0; i < WINDOW_S; i++) {
      tiles[i] = total[i] - video[i];
    }
    java.util.Arrays.sort(tiles);
    double tileKbps = tiles[WINDOW_S / 2] * 8.0 / 1000;
    int floor = (int) Math.max(MIN_VIDEO_KBPS, kbps * AIM * VIDEO_FLOOR);
    int target = (int) Math.max(floor, kbps * AIM - tileKbps);
    // in steps, so that a wobbling text rate does not restart the lossy stream every second
    int step = Math.max(MIN_VIDEO_KBPS / 2, (int) (kbps * AIM / 16));
    target = Math.max(MIN_VIDEO_KBPS, target / step * step);
    return quality(target, fps, regions.regionPixels());
  }

  /**
   * The first rung of the ladder at which {@code kbps} give the moving regions' {@code pixels}
   * enough bits per coded picture ({@link #FULL_SIZE_BITS_PER_PIXEL} at full size, {@link
   * #MIN_BITS_PER_PIXEL} smaller), the last if none does.
   */
  static VideoRegions.Quality quality(int kbps, int fps, int pixels) {
    for (int[] rung : LADDER) {
      double perPicture = kbps * 1000.0 / Math.max(1, fps / (double) rung[0]);
      double bitsPerPixel = perPicture / Math.max(1, pixels / (double) (rung[1] * rung[1]));
      double enough = rung[1] == 1 ? FULL_SIZE_BITS_PER_PIXEL : MIN_BITS_PER_PIXEL;
      if (pixels == 0 || bitsPerPixel >= enough) {
        return new VideoRegions.Quality(kbps, rung[0], rung[1]);
      }
    }
    int[] last = LADDER[LADDER.length - 1];
    return new VideoRegions.Quality(kbps, last[0], last[1]);
  }
}
