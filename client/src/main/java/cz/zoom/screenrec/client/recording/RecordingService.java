package cz.zoom.screenrec.client.recording;

import cz.zoom.screenrec.client.capture.Recorder;
import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.capture.RecordingSummary;
import cz.zoom.screenrec.client.control.RecordingControl;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the server's commands on the recorder and the spool, and decides what happens to a
 * recording whose server went away: it goes on being captured, for at most {@code orphanBound}
 * unless the next server adopts it.
 *
 * <p>A recording is "owned" while the current session started or adopted it. Only an owned
 * recording makes this client refuse another START; an orphan gives way to the new recording.
 */
public final class RecordingService implements RecordingControl, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecordingService.class);
  /** Origin reported for recordings spooled by a client version that did not note it. */

  private final String agent;
  private final Recorder recorder;
  private final Spool spool;
  private final Duration orphanBound;
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();
  private boolean owned;
  private ScheduledFuture<?> orphanStop;
  /** The controlling session's cluster and capture settings (CONFIGURE replaces the latter). */
  private String sessionClusterId;
  private CaptureSettings sessionSettings = CaptureSettings.DEFAULT;

  public RecordingService(String agent, Recorder recorder, Spool spool, Duration orphanBound) {
    this.agent = agent;
    this.recorder = recorder;
    this.spool = spool;
    this.orphanBound = orphanBound;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "orphan-recording-bound");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public Optional<ActiveRecording> activeRecording() {
    return recorder.active().map(a -> new ActiveRecording(a.recordingId(), a.callId(), a.startedAt(),
        a.nextSegmentIndex(), spool.originOf(a.recordingId())));
  }

  @Override
  public List<PendingRecording> pendingRecordings() {
    return spool.pendingRecordings(null);
  }

  @Override
  public boolean idle() {
    return recorder.state() == Recorder.State.IDLE;
  }

  @Override
  public CompletableFuture<Optional<String>> start(Start start) {
    String clusterId;
    CaptureSettings settings;
    synchronized (lock) {
      clusterId = sessionClusterId;
      settings = start.capture() != null ? start.capture() : sessionSettings;
      Optional<ActiveRecording> active = recorder.active();
      if (active.isPresent()) {
        String activeId = active.get().recordingId();
        if (activeId.equals(start.recordingId())) {
          // a repeated START (or one for a recording we reported): take the server's upload target
          owned = true;
          cancelOrphanStop();
          return CompletableFuture.completedFuture(spool.retarget(activeId, start.uploadUrl(), start.uploadToken()));
        }
        if (owned) {
          return CompletableFuture.completedFuture(Optional.of("already recording " + activeId));
        }
        log.warn("recording {} was not adopted by this server; ending it for the new recording {}", activeId,
            start.recordingId());
        cancelOrphanStop();
        stopRecorder(activeId, "superseded by recording " + start.recordingId());
      }
    }
    return recorder.idle().thenApply(x -> startNow(start, settings, clusterId));
  }

  private Optional<String> startNow(Start start, CaptureSettings settings, String clusterId) {
    synchronized (lock) {
      try {
        if (spool.manifest(start.recordingId()).isPresent()) {
          return Optional.of("recording " + start.recordingId() + " already ended on this client");
        }
        spool.create(new Manifest(start.recordingId(), start.callId(), agent, start.uploadUrl(),
            start.uploadToken(), System.currentTimeMillis(), null, clusterId, null));
      } catch (IOException e) {
        log.error("cannot spool recording {}", start.recordingId(), e);
        return Optional.of("cannot write the spool: " + e.getMessage());
      }
      Optional<String> refusal = recorder.start(new RecordingSpec(start.recordingId(), start.callId()), settings);
      if (refusal.isPresent()) {
        spool.removeQuietly(start.recordingId());
      } else {
        owned = true;
      }
      return refusal;
    }
  }

  @Override
  public CompletableFuture<Optional<RecordingStopped>> stop(String recordingId) {
    synchronized (lock) {
      Optional<CompletableFuture<RecordingSummary>> stopping = stopRecorder(recordingId, "stopped by server");
      if (stopping.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      cancelOrphanStop();
      return stopping.get().thenApply(s -> Optional.of(toMessage(s)));
    }
  }

  @Override
  public Optional<String> configure(CaptureSettings settings) {
    synchronized (lock) {
      sessionSettings = settings;
      // a running recording takes them from its next frame; otherwise the next START uses them
      Optional<String> refused = recorder.configure(settings);
      if (refused.isEmpty()) {
        log.info("capture settings are now {}", settings);
      }
      return refused;
    }
  }

  @Override
  public void sessionStarted(Welcome welcome) {
    synchronized (lock) {
      sessionClusterId = welcome.clusterId();
      sessionSettings = welcome.capture();
      spool.applyGrants(agent, welcome);
      Optional<ActiveRecording> active = recorder.active();
      if (active.isEmpty()) {
        if (welcome.adoptedRecordingId() != null) {
          log.warn("server adopted recording {}, which is no longer being captured", welcome.adoptedRecordingId());
        }
        return;
      }
      String id = active.get().recordingId();
      if (id.equals(welcome.adoptedRecordingId())) {
        owned = true;
        cancelOrphanStop();
        spool.retarget(id, welcome.uploadUrl(), welcome.uploadToken());
        log.info("cluster {} adopted recording {}; its remaining segments go to {}", welcome.clusterId(), id,
            welcome.uploadUrl());
      } else {
        log.warn("cluster {} did not adopt recording {}; it is captured until the bound of {} s runs out",
            welcome.clusterId(), id, orphanBound.toSeconds());
      }
    }
  }

  @Override
  public void uploadsGranted(Welcome welcome) {
    synchronized (lock) {
      spool.applyGrants(agent, welcome);
    }
  }

  @Override
  public void sessionLost() {
    synchronized (lock) {
      owned = false;
      Optional<ActiveRecording> active = recorder.active();
      if (active.isEmpty() || orphanStop != null) {
        return;
      }
      String id = active.get().recordingId();
      log.warn("control connection lost while recording {}; capturing on for at most {} s", id,
          orphanBound.toSeconds());
      orphanStop = timer.schedule(() -> endOrphan(id), orphanBound.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Ends whatever is being captured, for shutdown. Completes with the RECORDING_STOPPED to send
   * when the current server owns the recording.
   */
  public CompletableFuture<Optional<RecordingStopped>> stopForShutdown() {
    synchronized (lock) {
      Optional<ActiveRecording> active = recorder.active();
      if (active.isEmpty()) {
        return recorder.idle().thenApply(x -> Optional.empty());
      }
      boolean report = owned;
      cancelOrphanStop();
      return stopRecorder(active.get().recordingId(), "client shutting down")
          .map(f -> f.thenApply(s -> report ? Optional.of(toMessage(s)) : Optional.<RecordingStopped>empty()))
          .orElseGet(() -> CompletableFuture.completedFuture(Optional.empty()));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void endOrphan(String recordingId) {
    synchronized (lock) {
      orphanStop = null;
      if (owned) {
        return;
      }
      stopRecorder(recordingId, "no server adopted it within " + orphanBound.toSeconds() + " s")
          .ifPresent(f -> log.warn("recording {} ended: no server adopted it; its segments are offered to the"
              + " next server this client connects to", recordingId));
    }
  }

  /** Stops the recorder and notes the exact end of capture in the manifest (HELLO reports it if the upload waits). */
  private Optional<CompletableFuture<RecordingSummary>> stopRecorder(String recordingId, String reason) {
    return recorder.stop(recordingId, reason).map(f -> f.thenApply(summary -> {
      try {
        spool.captureEnded(summary.recordingId(), summary.endedAt());
      } catch (IOException e) {
        log.warn("recording {}: cannot note its end in the spool: {}", summary.recordingId(), e.toString());
      }
      return summary;
    }));
  }

  private void cancelOrphanStop() {
    if (orphanStop != null) {
      orphanStop.cancel(false);
      orphanStop = null;
    }
  }

  private static RecordingStopped toMessage(RecordingSummary s) {
    return new RecordingStopped(s.recordingId(), s.segmentCount(), s.startedAt(), s.endedAt(), s.reason());
  }
}
