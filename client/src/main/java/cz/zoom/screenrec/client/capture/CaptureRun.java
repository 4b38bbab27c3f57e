package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.client.budget.VideoQualityControl;
import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.format.VideoRegions;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture loop of one recording: each tick captures every selected screen and appends what
 * changed to the current segment, cutting a new segment when it is due. A screen the source reports
 * unchanged (X11 DAMAGE) adds nothing to the segment unless a key frame is due: the decoder shows
 * the newest frame until the next one, and the segment's end time says how long. Confined to the
 * recorder's capture thread, except for the volatile fields read by {@link Recorder#active()}.
 */
final class CaptureRun {
  private static final Logger log = LoggerFactory.getLogger(CaptureRun.class);

  /**
   * How often a screen is fetched whole and every tile compared even without reported damage: a
   * missed change (an overlay that bypasses DAMAGE) shows for at most this long. On an idle 1080p
   * screen it costs one 8 MB shared-memory copy and compare, a few ms, every 10 s.
   */
  static final long REFRESH_MS = 10_000;

  private final RecordingSpec spec;
  private CaptureSettings settings;
  private final ScreenSource source;
  private final SegmentSink sink;
  private final long startedAt;
  private long frameIntervalMs;
  private final Map<Integer, int[]> scaledBuffers = new HashMap<>();
  private final Map<Integer, Long> lastKeyframe = new HashMap<>();
  private final Map<Integer, Long> lastRefresh = new HashMap<>();
  private final Set<Integer> framedInSegment = new HashSet<>();
  private List<ScreenLayout> screens;
  private volatile int index;
  private SegmentSink.Output output;
  private SegmentWriter writer;
  private long segmentStartedAt;
  private boolean layoutChanged;
  private boolean failureLogged;
  private final VideoRegions regions;
  private final VideoQualityControl quality;
  private boolean lossyFailureLogged;

  /** Bytes (all, and of lossy regions) of the segments already cut, for the budget. */
  private long bytesCut;

  private long videoBytesCut;

  /** Since when the sink has had no room (a DISK_FULL gap being recorded), or null. */
  private Long fullSince;

  CaptureRun(
      RecordingSpec spec,
      CaptureSettings settings,
      ScreenSource source,
      SegmentSink sink,
      List<ScreenLayout> screens,
      long startedAt,
      VideoRegions regions,
      VideoQualityControl quality) {
    this.regions = regions;
    this.quality = quality;
    this.spec = spec;
    this.settings = settings;
    this.source = source;
    this.sink = sink;
    this.screens = screens;
    this.startedAt = startedAt;
    this.frameIntervalMs = Math.max(1, 1000 / settings.framesPerSecond());
  }

  RecordingSpec spec() {
    return spec;
  }

  CaptureSettings settings() {
    return settings;
  }

  /**
   * Takes new settings (capture thread only). Frame rate and key frame interval apply from the next
   * frame, segment duration to the segment being written; a new scale or monitor selection changes
   * the segment's layout, so the current segment is cut at the next tick.
   */
  void apply(CaptureSettings next) {
    CaptureSettings before = settings;
    settings = next;
    frameIntervalMs = Math.max(1, 1000 / next.framesPerSecond());
    if (quality != null) {
      quality.fps(next.framesPerSecond());
    }
    boolean sameScreens;
    try {
      sameScreens = Recorder.select(source.screens(), next).equals(screens);
    } catch (RuntimeException e) {
      sameScreens = false;
    }
    if (before.scaleDivisor() != next.scaleDivisor() || !sameScreens) {
      layoutChanged = true;
      scaledBuffers.clear();
    }
    log.info(
        "recording {}: capture settings now {} fps, scale 1/{}, key frame every {} ms, segments of {} ms,"
            + " screens {}",
        spec.recordingId(),
        next.framesPerSecond(),
        next.scaleDivisor(),
        next.keyframeIntervalMs(),
        next.segmentDurationMs(),
        next.screens().isEmpty() ? "all" : next.screens());
  }

  long startedAt() {
    return startedAt;
  }

  /** Index of the segment being written now, which is the next one to be spooled. */
  int nextSegmentIndex() {
    return index;
  }

  /**
   * One capture tick. Never throws: a scheduled task that throws would stop the recording silently.
   */
  void tick() {
    try {
      long now = System.currentTimeMillis();
      if (!sink.hasRoom()) {
        pauseForRoom(now);
        return;
      }
      if (writer != null
          && (layoutChanged || now - segmentStartedAt >= settings.segmentDurationMs())) {
        cut(now, false);
      }
      if (writer == null) {
        open(now);
      }
      captureScreens();
      account(now);
    } catch (IOException | RuntimeException e) {
      // the spool could not take the segment (disk full, permissions): drop it and start it again
      // under the same index at the next tick, so indices stay contiguous
      log.error(
          "recording {}: cannot write segment {}: {}", spec.recordingId(), index, e.toString());
      abandonSegment();
    }
  }

  /**
   * The spool is full: what was captured is committed as it is (nothing is deleted), and nothing
   * more is captured until there is room; the next segment opens with the DISK_FULL gap.
   */
  private void pauseForRoom(long now) throws IOException {
    if (fullSince == null) {
      fullSince = now;
      log.warn(
          "recording {}: spool full, capture paused (a DISK_FULL gap) until there is room",
          spec.recordingId());
    }
    if (writer != null) {
      cut(now, false);
    }
  }

  /** Tells the budget what was written; logs once if lossy coding gave up. */
  private void account(long now) {
    if (quality != null && writer != null) {
      quality.written(
          now, bytesCut + writer.bytesWritten(), videoBytesCut + writer.videoBytesWritten());
    }
    if (regions != null && regions.failure() != null && !lossyFailureLogged) {
      lossyFailureLogged = true;
      log.warn(
          "recording {}: lossy coding of moving regions failed, recording them exactly: {}",
          spec.recordingId(),
          regions.failure().toString());
    }
  }

  /** Ends the recording: the current segment (with at least one capture) becomes the final one. */
  RecordingSummary finish(String reason) throws IOException {
    long now = System.currentTimeMillis();
    if (writer == null) {
      open(now);
    }
    if (writer.frames() == 0) {
      // every segment starts with a key frame of each screen, the final one too
      captureScreens();
    }
    long endedAt = System.currentTimeMillis();
    int finalIndex = index;
    cut(endedAt, true);
    log.info(
        "recording {} ended after {} segments ({})", spec.recordingId(), finalIndex + 1, reason);
    return new RecordingSummary(
        spec.recordingId(), spec.callId(), finalIndex + 1, startedAt, endedAt, reason);
  }

  /**
   * Closes the open segment as it is, neither committed nor dropped; for a recorder closed hard.
   */
  void release() {
    if (output != null) {
      output.release();
    }
    output = null;
    writer = null;
  }

  /** Drops the open segment without committing it, so that it is written again under its index. */
  private void abandonSegment() {
    if (output != null) {
      output.abort();
    }
    output = null;
    writer = null;
  }

  private void open(long now) throws IOException {
    if (layoutChanged) {
      screens = Recorder.select(source.screens(), settings);
      layoutChanged = false;
      if (screens.isEmpty()) {
        throw new IOException("no screen left to capture");
      }
    }
    List<ScreenLayout> captured = new ArrayList<>(screens.size());
    int d = settings.scaleDivisor();
    for (ScreenLayout s : screens) {
      // the layout is kept in captured pixels so that side-by-side placement stays consistent
      captured.add(
          new ScreenLayout(
              s.id(),
              s.x() / d,
              s.y() / d,
              Downscaler.scaled(s.width(), d),
              Downscaler.scaled(s.height(), d)));
    }
    output = sink.open(spec.recordingId(), index);
    writer =
        new SegmentWriter(
            output.stream(), new SegmentHeader(spec.recordingId(), index, now, captured), regions);
    segmentStartedAt = now;
    framedInSegment.clear();
    if (fullSince != null) {
      writer.writeGap(fullSince, now, GapReason.DISK_FULL);
      log.info(
          "recording {}: spool has room, capture resumes after {} ms of DISK_FULL gap",
          spec.recordingId(),
          now - fullSince);
      fullSince = null;
    }
  }

  private void cut(long endTime, boolean last) throws IOException {
    writer.close(endTime);
    bytesCut += writer.bytesWritten();
    videoBytesCut += writer.videoBytesWritten();
    output.commit(last);
    output = null;
    writer = null;
    if (!last) {
      index++;
    }
  }

  private void captureScreens() throws IOException {
    for (ScreenLayout screen : writer.header().screens()) {
      long time = System.currentTimeMillis();
      ScreenCapture capture;
      try {
        capture = source.capture(screen.id());
      } catch (RuntimeException e) {
        if (!failureLogged) {
          log.warn(
              "recording {}: capture of screen {} failed, recording a gap: {}",
              spec.recordingId(),
              screen.id(),
              e.toString());
          failureLogged = true;
        }
        writer.writeGap(time, time + frameIntervalMs, GapReason.CAPTURE_FAILED);
        // the frame after a gap is a key frame
        lastKeyframe.remove(screen.id());
        continue;
      }
      if (failureLogged) {
        log.info("recording {}: capture of screen {} works again", spec.recordingId(), screen.id());
        failureLogged = false;
      }
      ScreenImage image = capture.image();
      int d = settings.scaleDivisor();
      if (Downscaler.scaled(image.width(), d) != screen.width()
          || Downscaler.scaled(image.height(), d) != screen.height()) {
        log.info(
            "recording {}: screen {} changed size to {}x{}; starting a new segment",
            spec.recordingId(),
            screen.id(),
            image.width(),
            image.height());
        layoutChanged = true;
        writer.writeGap(time, time + frameIntervalMs, GapReason.CAPTURE_FAILED);
        continue;
      }
      Long lastKey = lastKeyframe.get(screen.id());
      boolean key =
          !framedInSegment.contains(screen.id())
              || lastKey == null
              || time - lastKey >= settings.keyframeIntervalMs();
      Long refreshed = lastRefresh.get(screen.id());
      if (capture.dirtyRects() == null) {
        lastRefresh.put(screen.id(), time);
      } else if (refreshed == null || time - refreshed >= REFRESH_MS) {
        source.refreshNext(screen.id());
        lastRefresh.put(screen.id(), time);
      }
      if (!key && capture.unchanged()) {
        continue;
      }
      int[] dirty = capture.dirtyRects();
      int[] rgb;
      if (d == 1) {
        rgb =
            image.rgb().length == screen.width() * screen.height()
                ? image.rgb()
                : java.util.Arrays.copyOf(image.rgb(), screen.width() * screen.height());
      } else {
        int[][] scaledDirty = new int[1][];
        rgb = scaled(screen, image, dirty, scaledDirty);
        dirty = scaledDirty[0];
      }
      writer.writeFrame(screen.id(), time, rgb, key, key ? null : dirty);
      framedInSegment.add(screen.id());
      if (key) {
        lastKeyframe.put(screen.id(), time);
      }
    }
  }

  /**
   * The picture in the segment's (smaller) size. The scaled copy is kept per screen and only the
   * blocks under {@code dirty} are recomputed; {@code scaledDirty[0]} gets them in scaled pixels
   * (null when everything was recomputed).
   */
  private int[] scaled(ScreenLayout captured, ScreenImage image, int[] dirty, int[][] scaledDirty) {
    int d = settings.scaleDivisor();
    int size = captured.width() * captured.height();
    int[] dst = scaledBuffers.get(captured.id());
    if (dst == null || dst.length != size || dirty == null) {
      if (dst == null || dst.length != size) {
        dst = new int[size];
        scaledBuffers.put(captured.id(), dst);
      }
      Downscaler.scale(image.rgb(), image.width(), image.height(), d, dst);
      scaledDirty[0] = null;
      return dst;
    }
    int[] out = new int[dirty.length];
    int n = 0;
    for (int i = 0; i < dirty.length; i += 4) {
      int[] r =
          Downscaler.scaleRect(
              image.rgb(),
              image.width(),
              image.height(),
              d,
              dst,
              dirty[i],
              dirty[i + 1],
              dirty[i + 2],
              dirty[i + 3]);
      if (r != null) {
        System.arraycopy(r, 0, out, n, 4);
        n += 4;
      }
    }
    scaledDirty[0] = java.util.Arrays.copyOf(out, n);
    return dst;
  }
}
