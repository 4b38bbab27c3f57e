package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
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
 * The capture loop of one recording: each tick grabs every selected screen and appends the frames
 * to the current segment, cutting a new segment when it is due. Confined to the recorder's
 * capture thread, except for the volatile fields read by {@link Recorder#active()}.
 */
final class CaptureRun {
  private static final Logger log = LoggerFactory.getLogger(CaptureRun.class);

  private final RecordingSpec spec;
  private final CaptureSettings settings;
  private final ScreenSource source;
  private final SegmentSink sink;
  private final long startedAt;
  private final long frameIntervalMs;
  private final Map<Integer, int[]> scaledBuffers = new HashMap<>();
  private final Map<Integer, Long> lastKeyframe = new HashMap<>();
  private final Set<Integer> framedInSegment = new HashSet<>();
  private List<ScreenLayout> screens;
  private volatile int index;
  private SegmentSink.Output output;
  private SegmentWriter writer;
  private long segmentStartedAt;
  private boolean layoutChanged;
  private boolean failureLogged;

  CaptureRun(RecordingSpec spec, CaptureSettings settings, ScreenSource source, SegmentSink sink,
      List<ScreenLayout> screens, long startedAt) {
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

  long startedAt() {
    return startedAt;
  }

  /** Index of the segment being written now, which is the next one to be spooled. */
  int nextSegmentIndex() {
    return index;
  }

  /** One capture tick. Never throws: a scheduled task that throws would stop the recording silently. */
  void tick() {
    try {
      long now = System.currentTimeMillis();
      if (writer != null && (layoutChanged || now - segmentStartedAt >= settings.segmentDurationMs())) {
        cut(now, false);
      }
      if (writer == null) {
        open(now);
      }
      captureScreens();
    } catch (IOException | RuntimeException e) {
      // the spool could not take the segment (disk full, permissions): drop it and start it again
      // under the same index at the next tick, so indices stay contiguous
      log.error("recording {}: cannot write segment {}: {}", spec.recordingId(), index, e.toString());
      abandonSegment();
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
    log.info("recording {} ended after {} segments ({})", spec.recordingId(), finalIndex + 1, reason);
    return new RecordingSummary(spec.recordingId(), spec.callId(), finalIndex + 1, startedAt, endedAt, reason);
  }

  /** Drops the open segment without committing it; used when the recorder is closed hard. */
  void abandonSegment() {
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
      captured.add(new ScreenLayout(s.id(), s.x() / d, s.y() / d,
          Downscaler.scaled(s.width(), d), Downscaler.scaled(s.height(), d)));
    }
    output = sink.open(spec.recordingId(), index);
    writer = new SegmentWriter(output.stream(), new SegmentHeader(spec.recordingId(), index, now, captured));
    segmentStartedAt = now;
    framedInSegment.clear();
  }

  private void cut(long endTime, boolean last) throws IOException {
    writer.close(endTime);
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
      ScreenImage image;
      try {
        image = source.grab(screen.id());
      } catch (RuntimeException e) {
        if (!failureLogged) {
          log.warn("recording {}: capture of screen {} failed, recording a gap: {}", spec.recordingId(), screen.id(),
              e.toString());
          failureLogged = true;
        }
        writer.writeGap(time, time + frameIntervalMs, GapReason.CAPTURE_FAILED);
        continue;
      }
      if (failureLogged) {
        log.info("recording {}: capture of screen {} works again", spec.recordingId(), screen.id());
        failureLogged = false;
      }
      int[] rgb = scaled(screen, image);
      if (rgb == null) {
        log.info("recording {}: screen {} changed size to {}x{}; starting a new segment", spec.recordingId(),
            screen.id(), image.width(), image.height());
        layoutChanged = true;
        writer.writeGap(time, time + frameIntervalMs, GapReason.CAPTURE_FAILED);
        continue;
      }
      Long lastKey = lastKeyframe.get(screen.id());
      boolean key = !framedInSegment.contains(screen.id()) || lastKey == null
          || time - lastKey >= settings.keyframeIntervalMs();
      writer.writeFrame(screen.id(), time, rgb, key);
      framedInSegment.add(screen.id());
      if (key) {
        lastKeyframe.put(screen.id(), time);
      }
    }
  }

  /** The picture in the segment's size, or null when the monitor no longer has the layout's size. */
  private int[] scaled(ScreenLayout captured, ScreenImage image) {
    int d = settings.scaleDivisor();
    if (Downscaler.scaled(image.width(), d) != captured.width()
        || Downscaler.scaled(image.height(), d) != captured.height()) {
      return null;
    }
    if (d == 1) {
      return image.rgb().length == captured.width() * captured.height()
          ? image.rgb()
          : java.util.Arrays.copyOf(image.rgb(), captured.width() * captured.height());
    }
    int[] dst = scaledBuffers.computeIfAbsent(captured.id(), k -> new int[captured.width() * captured.height()]);
    if (dst.length != captured.width() * captured.height()) {
      dst = new int[captured.width() * captured.height()];
      scaledBuffers.put(captured.id(), dst);
    }
    Downscaler.scale(image.rgb(), image.width(), image.height(), d, dst);
    return dst;
  }
}
