package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.client.budget.VideoQualityControl;
import cz.zoom.screenrec.format.RegionCodec;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.VideoRegions;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records at most one recording at a time: IDLE → RECORDING (on start) → STOPPING (on stop, while
 * the last segment is finished) → IDLE. Capture runs on one daemon thread at a fixed rate. As a
 * {@link CaptureBackend} it answers at once, except for stop, and never ends a recording by itself:
 * a screen that cannot be captured leaves a gap in the recording instead.
 */
public final class Recorder implements CaptureBackend, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recorder.class);

  public enum State {
    IDLE,
    RECORDING,
    STOPPING
  }

  private final ScreenSource source;
  private final SegmentSink sink;
  private final UploadBudget budget;
  private final RegionCodec lossy;
  private final ScheduledExecutorService captureThread;
  private final Object lock = new Object();
  private State state = State.IDLE;
  private CaptureRun run;
  private ScheduledFuture<?> ticks;
  private CompletableFuture<Optional<RecordingSummary>> stopped;

  /** A recorder without an upload budget (tests, tools). */
  public Recorder(ScreenSource source, SegmentSink sink) {
    this(source, sink, new UploadBudget(0));
  }

  /**
   * A recorder that codes moving pictures lossy when a {@link RegionCodec} is on the class path
   * (and {@code -Dscreenrec.lossy=false} does not say otherwise), within {@code budget}.
   */
  public Recorder(ScreenSource source, SegmentSink sink, UploadBudget budget) {
    this.source = source;
    this.sink = sink;
    this.budget = budget;
    this.lossy = lossyCodec();
    this.captureThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "screen-capture");
              t.setDaemon(true);
              return t;
            });
  }

  public State state() {
    synchronized (lock) {
      return state;
    }
  }

  /**
   * Starts capturing at once. Completes at once with empty when started, else with why not (already
   * recording, or no screen to capture).
   */
  @Override
  public CompletableFuture<Optional<String>> start(RecordingSpec spec, CaptureSettings settings) {
    return CompletableFuture.completedFuture(startNow(spec, settings));
  }

  private Optional<String> startNow(RecordingSpec spec, CaptureSettings settings) {
    synchronized (lock) {
      if (state != State.IDLE) {
        return Optional.of("already recording " + run.spec().recordingId());
      }
      List<ScreenLayout> screens;
      try {
        screens = select(source.screens(), settings);
      } catch (RuntimeException e) {
        return Optional.of("cannot read the screen layout: " + e.getMessage());
      }
      if (screens.isEmpty()) {
        return Optional.of("no screen to capture");
      }
      // the settings of a START carry the budget too (in service mode they are all there is)
      budget.kbps(settings.maxKbps());
      VideoRegions regions = null;
      VideoQualityControl quality = null;
      if (lossy != null) {
        regions = new VideoRegions(lossy, new VideoRegions.Quality(1000, 1, 1));
        quality = new VideoQualityControl(budget, regions, settings.framesPerSecond());
        regions.quality(quality.decide());
      }
      run =
          new CaptureRun(
              spec, settings, source, sink, screens, System.currentTimeMillis(), regions, quality);
      state = State.RECORDING;
      long periodNanos = TimeUnit.SECONDS.toNanos(1) / settings.framesPerSecond();
      ticks = captureThread.scheduleAtFixedRate(run::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
      log.info(
          "recording {} (call {}) started: {} screen(s) at {} fps, scale 1/{}",
          spec.recordingId(),
          spec.callId(),
          screens.size(),
          settings.framesPerSecond(),
          settings.scaleDivisor());
      return Optional.empty();
    }
  }

  /**
   * Changes the capture settings of the recording in progress, e.g. on the server's CONFIGURE:
   * frame rate and key frame interval apply from the next frame, segment duration to the segment
   * being written, and a new scale or monitor selection from the next segment (the current one is
   * cut at the next frame, as its layout no longer fits). Completes at once with empty when taken
   * (or when nothing is being recorded, so there is nothing to change: the next START carries its
   * own settings), else with why not (the screen layout cannot be read). Monitor ids that do not
   * exist here are ignored; when none of the named ones exists, all are recorded
   * (docs/protocol.md).
   */
  @Override
  public CompletableFuture<Optional<String>> configure(CaptureSettings settings) {
    return CompletableFuture.completedFuture(configureNow(settings));
  }

  private Optional<String> configureNow(CaptureSettings settings) {
    synchronized (lock) {
      if (state != State.RECORDING) {
        return Optional.empty();
      }
      try {
        if (select(source.screens(), settings).isEmpty()) {
          return Optional.of("no screen to capture");
        }
      } catch (RuntimeException e) {
        return Optional.of("cannot read the screen layout: " + e.getMessage());
      }
      budget.kbps(settings.maxKbps());
      CaptureRun current = run;
      boolean newRate = current.settings().framesPerSecond() != settings.framesPerSecond();
      // the capture thread owns the run's state; the change lands between two ticks
      captureThread.execute(() -> current.apply(settings));
      if (newRate) {
        ticks.cancel(false);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / settings.framesPerSecond();
        ticks =
            captureThread.scheduleAtFixedRate(
                current::tick, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
      }
      return Optional.empty();
    }
  }

  /**
   * Stops {@code recordingId}: the future completes once its final segment is spooled, with empty
   * when that recording is not being captured. A second stop of the same recording gets the same
   * future.
   */
  @Override
  public CompletableFuture<Optional<RecordingSummary>> stop(String recordingId, String reason) {
    synchronized (lock) {
      if (state == State.IDLE || !run.spec().recordingId().equals(recordingId)) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      if (state == State.STOPPING) {
        return stopped;
      }
      state = State.STOPPING;
      ticks.cancel(false);
      CaptureRun ending = run;
      CompletableFuture<Optional<RecordingSummary>> done = new CompletableFuture<>();
      stopped = done;
      // the same single thread runs the ticks, so the finish comes after any tick in progress
      captureThread.execute(
          () -> {
            try {
              RecordingSummary summary = ending.finish(reason);
              becomeIdle();
              done.complete(Optional.of(summary));
            } catch (Exception e) {
              log.error("recording {}: cannot spool its final segment", recordingId, e);
              becomeIdle();
              done.completeExceptionally(e);
            }
          });
      return done;
    }
  }

  /** Completes when no recording is stopping any more (at once when none is). */
  public CompletableFuture<?> idle() {
    synchronized (lock) {
      return state == State.STOPPING
          ? stopped.handle((s, e) -> null)
          : CompletableFuture.completedFuture(null);
    }
  }

  /** The recording being captured (not one that is stopping), as HELLO reports it. */
  @Override
  public Optional<ActiveRecording> active() {
    synchronized (lock) {
      if (state != State.RECORDING) {
        return Optional.empty();
      }
      return Optional.of(
          new ActiveRecording(
              run.spec().recordingId(),
              run.spec().callId(),
              run.startedAt(),
              run.nextSegmentIndex()));
    }
  }

  /** A local capture ends only when it is stopped. */
  @Override
  public void onEndedByItself(BiConsumer<String, Optional<RecordingSummary>> listener) {}

  /**
   * Stops capturing without finishing the open segment, for shutdown after a stop was tried, and
   * waits (boundedly) until the capture thread no longer writes to the spool. The open segment's
   * file is closed as it is: the spool's recovery at the next start keeps what of it is on disk.
   */
  @Override
  public void close() {
    captureThread.shutdownNow();
    boolean terminated;
    try {
      terminated = captureThread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminated = false;
    }
    synchronized (lock) {
      // the run is the capture thread's; once that thread is gone nothing else touches it
      if (terminated && run != null) {
        run.release();
      }
    }
  }

  private void becomeIdle() {
    synchronized (lock) {
      state = State.IDLE;
      run = null;
      ticks = null;
    }
  }

  /**
   * The monitors the settings name; all of them when none is named or none of the named ones exists
   * (docs/protocol.md).
   */
  /** VP8 for moving regions, if it loads here; else every region is recorded exactly. */
  private static RegionCodec lossyCodec() {
    if (!Boolean.parseBoolean(System.getProperty("screenrec.lossy", "true"))) {
      log.info("lossy coding of moving regions is off (-Dscreenrec.lossy=false)");
      return null;
    }
    try {
      RegionCodec codec = RegionCodec.find(1).orElse(null);
      if (codec == null) {
        log.info("no codec for moving regions on the class path: recording them exactly");
      }
      return codec;
    } catch (RuntimeException | LinkageError e) {
      log.warn("codec for moving regions does not load, recording them exactly: {}", e.toString());
      return null;
    }
  }

  static List<ScreenLayout> select(List<ScreenLayout> all, CaptureSettings settings) {
    if (settings.screens().isEmpty()) {
      return all;
    }
    List<ScreenLayout> chosen =
        all.stream().filter(s -> settings.screens().contains(s.id())).toList();
    return chosen.isEmpty() ? all : chosen;
  }
}
