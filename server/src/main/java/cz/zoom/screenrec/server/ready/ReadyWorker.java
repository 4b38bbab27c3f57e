package cz.zoom.screenrec.server.ready;

import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.server.recording.PlayableWindow;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a recording whose segments are all in READY, without encoding anything: the capture
 * segments are the archive and the browser plays them (docs/encoding.md). Each recording is
 * checked, its span cut to what this server observed ({@link PlayableWindow}), its screens laid out
 * and its evidence sealed, and only then is it READY. The check reads every record of every segment
 * and its CRC without decoding pictures, which costs about what reading the bytes costs; a damaged
 * segment does not fail the recording (what is valid of it plays, the rest is a gap the player
 * shows), but it is logged.
 *
 * <p>One thread: a check takes milliseconds, and a queue of them keeps call-end → READY short for
 * all.
 */
public final class ReadyWorker implements Consumer<String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReadyWorker.class);

  /** What is done with a checked recording just before it is READY: its evidence is sealed. */
  @FunctionalInterface
  public interface Seal {
    void seal(Recording r, List<Segment> segments, long from, long to) throws IOException;
  }

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingEncoder layouts;
  private final Duration margin;
  private final Clock clock;
  private final Seal seal;
  private final Timer timer;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "ready-check");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param layouts lays the screens out as a video of them would
   * @param margin widening of the server-observed span (clock offset error, client reaction time)
   */
  public ReadyWorker(
      RecordingStore store,
      LocalMediaStore media,
      RecordingEncoder layouts,
      Duration margin,
      MeterRegistry metrics,
      Clock clock,
      Seal seal) {
    this.store = store;
    this.media = media;
    this.layouts = layouts;
    this.margin = margin;
    this.clock = clock;
    this.seal = seal;
    this.timer = metrics.timer("screenrec.ready.duration");
  }

  /** Queues a recording whose segments are in (status ENCODING). */
  @Override
  public void accept(String recordingId) {
    try {
      worker.execute(() -> timer.record(() -> check(recordingId)));
    } catch (RejectedExecutionException e) {
      log.debug("recording {}: not checked, the server is stopping", recordingId);
    }
  }

  /** Re-queues what was being checked when the server last stopped. */
  public void resumeInterrupted() {
    for (Recording r : store.findByStatus(RecordingStatus.ENCODING)) {
      log.info("recording {}: resuming its check", r.id());
      accept(r.id());
    }
  }

  private void check(String recordingId) {
    try {
      Recording r = store.findRecording(recordingId).orElseThrow();
      if (r.status() != RecordingStatus.ENCODING) {
        return;
      }
      List<Segment> segments = store.segments(recordingId);
      List<Path> present =
          segments.stream()
              .map(s -> media.segmentPath(recordingId, s.index()))
              .filter(Files::isRegularFile)
              .toList();
      if (present.isEmpty()) {
        store.fail(recordingId, "no segment file is in the media store", clock.millis());
        return;
      }
      long lastEvent = Long.MIN_VALUE;
      long firstStart = Long.MAX_VALUE;
      int damaged = 0;
      for (Path p : present) {
        Read read = read(p);
        firstStart = Math.min(firstStart, read.startedAt());
        lastEvent = Math.max(lastEvent, read.lastEvent());
        if (read.damage() != null) {
          damaged++;
          log.warn(
              "recording {}: segment {} is damaged ({}); it plays up to {}",
              recordingId,
              p.getFileName(),
              read.damage(),
              read.lastEvent());
        }
      }
      long claimedFrom = r.captureStartedAt() != null ? r.captureStartedAt() : firstStart;
      long claimedTo = r.captureEndedAt() != null ? r.captureEndedAt() : lastEvent;
      if (claimedTo <= claimedFrom) {
        store.fail(
            recordingId,
            "recording has no duration (" + claimedFrom + ".." + claimedTo + ")",
            clock.millis());
        return;
      }
      Optional<PlayableWindow> window =
          PlayableWindow.of(
              r,
              store.findCall(r.callId()).orElse(null),
              segments,
              claimedFrom,
              claimedTo,
              margin.toMillis());
      if (window.isEmpty()) {
        store.fail(
            recordingId,
            "the capture times the client gave ("
                + claimedFrom
                + ".."
                + claimedTo
                + ", client clock) lie outside the call and uploads this server observed",
            clock.millis());
        return;
      }
      long from = window.get().from();
      long to = window.get().to();
      if (to - from > RecordingEncoder.MAX_DURATION_MS) {
        // what a recording longer than its encoder takes would cost the replay (thumbnails, its
        // timeline) is not bounded; no real call lasts a day
        store.fail(
            recordingId,
            "the recording lasts "
                + (to - from)
                + " ms, more than the "
                + RecordingEncoder.MAX_DURATION_MS / 3_600_000
                + " h a recording may",
            clock.millis());
        return;
      }
      if (from != claimedFrom || to != claimedTo) {
        log.warn(
            "recording {}: the client claims {}..{} ({} ms); playing {}..{} ({} ms), what this server observed",
            recordingId,
            claimedFrom,
            claimedTo,
            claimedTo - claimedFrom,
            from,
            to,
            to - from);
      }
      Optional<VideoLayout> layout = layouts.layout(present);
      if (layout.isEmpty()) {
        store.fail(recordingId, "no segment header is readable", clock.millis());
        return;
      }
      // before READY: what READY promises (screens to crop, evidence to prove) holds from then on
      store.replaceLayout(recordingId, layout.get());
      seal.seal(r, segments, from, to);
      store.ready(recordingId, to - from, from, to, clock.millis());
      log.info(
          "recording {}: READY, {} segment(s){}, {} ms",
          recordingId,
          present.size(),
          damaged == 0 ? "" : " (" + damaged + " damaged)",
          to - from);
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      // an Error escaping here would leave the recording ENCODING for ever
      log.error("recording {}: the check failed", recordingId, e);
      store.fail(recordingId, "the check failed: " + e, clock.millis());
    }
  }

  /** What one read of a segment found; {@code damage} is null when it ended with its trailer. */
  private record Read(long startedAt, long lastEvent, String damage) {}

  private static Read read(Path segment) {
    try (InputStream in = Files.newInputStream(segment);
        SegmentReader reader = SegmentReader.withoutPictures(in)) {
      long start = reader.header().startedAt();
      long last = start;
      for (SegmentEvent e = reader.next(); e != null; e = reader.next()) {
        if (e instanceof SegmentEvent.Truncated t) {
          return new Read(start, Math.max(last, t.time()), t.reason());
        }
        last = Math.max(last, e.time());
      }
      return new Read(start, last, null);
    } catch (IOException | RuntimeException e) {
      return new Read(Long.MAX_VALUE, Long.MIN_VALUE, "unreadable: " + e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    worker.shutdownNow();
    worker.awaitTermination(10, TimeUnit.SECONDS);
  }
}
