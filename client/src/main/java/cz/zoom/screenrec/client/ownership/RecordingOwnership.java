package cz.zoom.screenrec.client.ownership;

import static cz.zoom.screenrec.client.ownership.OwnershipState.IDLE;
import static cz.zoom.screenrec.client.ownership.OwnershipState.ORPHANED;
import static cz.zoom.screenrec.client.ownership.OwnershipState.OWNED;
import static cz.zoom.screenrec.client.ownership.OwnershipState.STARTING;
import static cz.zoom.screenrec.client.ownership.OwnershipState.STOPPING;

import cz.zoom.screenrec.client.capture.CaptureBackend;
import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.capture.RecordingSummary;
import cz.zoom.screenrec.client.control.RecordingControl;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording side of one agent's control connection: carries out the server's START, STOP and
 * CONFIGURE on a {@link CaptureBackend} and the spool, and decides by the {@link OwnershipState}
 * table what happens to a recording whose server went away: it goes on being captured, for at most
 * {@code orphanBound}, unless the next server adopts it. The desktop client drives its own recorder
 * with it; the service drives one per session, on that session's capture process.
 *
 * <p>Every event is handled on one thread of its own, in the order it came, so the spool's fsyncs
 * and the backend's answers never hold up the connection's event loop and the state needs no lock.
 * The backend's answers come back to that thread as events too.
 */
public final class RecordingOwnership implements RecordingControl, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecordingOwnership.class);

  private final String agent;
  private final CaptureBackend capture;
  private final Spool spool;
  private final UploadTargets targets;
  private final Duration orphanBound;
  private final ScheduledThreadPoolExecutor events;

  /**
   * STARTs not answered yet: until they are, the client is not idle even if the state still says
   * so.
   */
  private final AtomicInteger startsUnanswered = new AtomicInteger();

  private volatile OwnershipState state = IDLE;
  private volatile Consumer<RecordingStopped> reporter = m -> {};
  // the rest belongs to the events thread
  private Held held;
  private ScheduledFuture<?> orphanTimer;
  private final List<Runnable> whenIdle = new ArrayList<>();

  /** The controlling session's cluster and capture settings (CONFIGURE replaces the latter). */
  private String sessionClusterId;

  private CaptureSettings sessionSettings = CaptureSettings.DEFAULT;
  private volatile Consumer<CaptureSettings> settingsSeen = s -> {};

  /** The recording in hand. */
  private static final class Held {
    final String id;
    final String originClusterId;

    /** Its end, once it is being stopped: completes when the backend has finished it. */
    CompletableFuture<Optional<RecordingSummary>> ended;

    Held(String id, String originClusterId) {
      this.id = id;
      this.originClusterId = originClusterId;
    }
  }

  private RecordingOwnership(
      String agent,
      CaptureBackend capture,
      Spool spool,
      Duration orphanBound,
      boolean sharedSpool) {
    this.agent = agent;
    this.capture = capture;
    this.spool = spool;
    this.targets = new UploadTargets(spool, agent, sharedSpool);
    this.orphanBound = orphanBound;
    this.events =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "recording-ownership-" + agent);
              t.setDaemon(true);
              return t;
            });
    events.setRemoveOnCancelPolicy(true);
    events.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    capture.onEndedByItself((id, summary) -> post(() -> endedByItself(id, summary)));
  }

  /** The desktop client's: its spool is its own. */
  public static RecordingOwnership forDesktop(
      String agent, CaptureBackend capture, Spool spool, Duration orphanBound) {
    return new RecordingOwnership(agent, capture, spool, orphanBound, false);
  }

  /**
   * One session's in service mode: the spool holds every session's recordings; HELLO offers only
   * this agent's.
   */
  public static RecordingOwnership forSession(
      String agent, CaptureBackend capture, Spool spool, Duration orphanBound) {
    return new RecordingOwnership(agent, capture, spool, orphanBound, true);
  }

  /**
   * Where a recording the backend ended by itself is reported while owned (the control connection).
   */
  public void reportTo(Consumer<RecordingStopped> value) {
    reporter = value;
  }

  /**
   * Hands every capture settings the server sends (WELCOME, CONFIGURE) to {@code value}, whether or
   * not a recording is being captured: the upload budget applies to the backlog too.
   */
  public void settingsTo(Consumer<CaptureSettings> value) {
    settingsSeen = value;
  }

  public OwnershipState state() {
    return state;
  }

  @Override
  public boolean idle() {
    return state == IDLE && startsUnanswered.get() == 0;
  }

  @Override
  public CompletableFuture<HelloRecordings> helloRecordings() {
    CompletableFuture<HelloRecordings> answer = new CompletableFuture<>();
    ask(
        answer,
        () -> answer.complete(new HelloRecordings(active().orElse(null), targets.pending())));
    return answer;
  }

  @Override
  public CompletableFuture<Optional<String>> start(Start start) {
    CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
    startsUnanswered.incrementAndGet();
    answer.whenComplete((a, e) -> startsUnanswered.decrementAndGet());
    ask(answer, () -> onStart(start, answer));
    return answer;
  }

  @Override
  public CompletableFuture<Optional<RecordingStopped>> stop(String recordingId) {
    CompletableFuture<Optional<RecordingStopped>> answer = new CompletableFuture<>();
    ask(
        answer,
        () -> {
          Held h = held;
          // STOP is idempotent: a recording not in hand has nothing to report
          if (h == null || !h.id.equals(recordingId)) {
            answer.complete(Optional.empty());
            return;
          }
          move(OwnershipEvent.STOP);
          relay(endCapture(h, "stopped by server"), answer, true);
        });
    return answer;
  }

  /**
   * The settings apply to the next START, and a recording being captured takes them at once (the
   * backend may refuse them, e.g. a monitor it lacks).
   */
  @Override
  public CompletableFuture<Optional<String>> configure(CaptureSettings settings) {
    CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
    ask(
        answer,
        () -> {
          sessionSettings = settings;
          settingsSeen.accept(settings);
          boolean capturing = state == STARTING || state == OWNED || state == ORPHANED;
          CompletableFuture<Optional<String>> taken =
              capturing
                  ? call(() -> capture.configure(settings))
                  : CompletableFuture.completedFuture(Optional.empty());
          taken.whenComplete(
              (refusal, e) -> {
                if (e != null) {
                  answer.completeExceptionally(e);
                  return;
                }
                if (refusal.isEmpty()) {
                  log.info("agent {}: capture settings are now {}", agent, settings);
                }
                answer.complete(refusal);
              });
        });
    return answer;
  }

  @Override
  public void sessionStarted(Welcome welcome) {
    post(
        () -> {
          sessionClusterId = welcome.clusterId();
          sessionSettings = welcome.capture();
          settingsSeen.accept(welcome.capture());
          targets.applyGrants(welcome);
          Held h = held;
          if (h == null && welcome.adoptedRecordingId() != null) {
            log.warn(
                "agent {}: server adopted recording {}, which is no longer being captured",
                agent,
                welcome.adoptedRecordingId());
          }
          boolean adopted = h != null && h.id.equals(welcome.adoptedRecordingId());
          OwnershipState from = state;
          if (!move(adopted ? OwnershipEvent.ADOPTED : OwnershipEvent.NOT_ADOPTED)
              || h == null
              || from == STOPPING) {
            return;
          }
          if (adopted) {
            targets.retarget(h.id, welcome.uploadUrl(), welcome.uploadToken());
            log.info(
                "agent {}: cluster {} adopted recording {}; its remaining segments go to {}",
                agent,
                welcome.clusterId(),
                h.id,
                welcome.uploadUrl());
          } else {
            log.warn(
                "agent {}: cluster {} did not adopt recording {}; it is captured until the bound of {} s runs out",
                agent,
                welcome.clusterId(),
                h.id,
                orphanBound.toSeconds());
          }
        });
  }

  @Override
  public void uploadsGranted(Welcome welcome) {
    post(() -> targets.applyGrants(welcome));
  }

  @Override
  public void sessionLost() {
    post(
        () -> {
          OwnershipState from = state;
          move(OwnershipEvent.SESSION_LOST);
          if (from == OWNED || from == STARTING) {
            log.warn(
                "agent {}: control connection lost while recording {}; capturing on for at most {} s",
                agent,
                held.id,
                orphanBound.toSeconds());
          }
        });
  }

  /**
   * Ends whatever is being captured, for shutdown. Completes with the RECORDING_STOPPED to send
   * when the current server owns the recording.
   */
  public CompletableFuture<Optional<RecordingStopped>> stopForShutdown() {
    CompletableFuture<Optional<RecordingStopped>> answer = new CompletableFuture<>();
    ask(
        answer,
        () -> {
          Held h = held;
          if (h == null) {
            answer.complete(Optional.empty());
            return;
          }
          if (state == STOPPING) {
            // whoever stopped it reports it
            h.ended.whenComplete((s, e) -> answer.complete(Optional.empty()));
            return;
          }
          boolean report = state == OWNED || state == STARTING;
          move(OwnershipEvent.STOP);
          relay(endCapture(h, "client shutting down"), answer, report);
        });
    return answer;
  }

  /** Stops handling events; what was asked before still runs. */
  @Override
  public void close() {
    events.shutdown();
  }

  // ---- on the events thread ----

  private Optional<ActiveRecording> active() {
    Held h = held;
    if (state != OWNED && state != ORPHANED) {
      return Optional.empty();
    }
    return capture
        .active()
        .filter(a -> a.recordingId().equals(h.id))
        .map(
            a ->
                new ActiveRecording(
                    a.recordingId(),
                    a.callId(),
                    a.startedAt(),
                    a.nextSegmentIndex(),
                    h.originClusterId));
  }

  private void onStart(Start start, CompletableFuture<Optional<String>> answer) {
    String id = start.recordingId();
    Held h = held;
    boolean again = h != null && h.id.equals(id);
    OwnershipState from = state;
    if (!move(again ? OwnershipEvent.START_AGAIN : OwnershipEvent.START_NEW)) {
      answer.complete(Optional.of("cannot start recording " + id + " now"));
      return;
    }
    switch (from) {
      case IDLE -> begin(start, answer);
      case STARTING, OWNED ->
          answer.complete(
              again
                  ? targets.retarget(id, start.uploadUrl(), start.uploadToken())
                  : Optional.of("already recording " + h.id));
      case ORPHANED -> {
        if (again) {
          answer.complete(targets.retarget(id, start.uploadUrl(), start.uploadToken()));
        } else {
          log.warn(
              "agent {}: recording {} was not adopted by this server; ending it for the new recording {}",
              agent,
              h.id,
              id);
          endCapture(h, "superseded by recording " + id);
          whenIdle.add(guarded(answer, () -> onStart(start, answer)));
        }
      }
      case STOPPING -> whenIdle.add(guarded(answer, () -> onStart(start, answer)));
    }
  }

  /** IDLE → STARTING has happened: spools the recording and has the backend capture it. */
  private void begin(Start start, CompletableFuture<Optional<String>> answer) {
    String id = start.recordingId();
    CaptureSettings settings = start.capture() != null ? start.capture() : sessionSettings;
    try {
      if (spool.manifest(id).isPresent()) {
        move(OwnershipEvent.START_FAILED);
        answer.complete(Optional.of("recording " + id + " already ended on this client"));
        return;
      }
      spool.create(
          new Manifest(
              id,
              start.callId(),
              agent,
              start.uploadUrl(),
              start.uploadToken(),
              System.currentTimeMillis(),
              null,
              sessionClusterId,
              null));
    } catch (IOException e) {
      log.error("agent {}: cannot spool recording {}", agent, id, e);
      move(OwnershipEvent.START_FAILED);
      answer.complete(Optional.of("cannot write the spool: " + e.getMessage()));
      return;
    }
    Held h = new Held(id, sessionClusterId);
    held = h;
    call(() -> capture.start(new RecordingSpec(id, start.callId()), settings))
        .whenComplete((refusal, e) -> post(() -> started(h, refusal, e, answer)));
  }

  private void started(
      Held h,
      Optional<String> refusal,
      Throwable error,
      CompletableFuture<Optional<String>> answer) {
    String why = error != null ? "capture failed to start: " + unwrap(error) : refusal.orElse(null);
    if (why != null) {
      spool.removeQuietly(h.id);
    }
    if (held != h) {
      // it ended (the backend went away) before its start was answered
      answer.complete(Optional.ofNullable(why));
      return;
    }
    if (why == null) {
      move(OwnershipEvent.STARTED);
      answer.complete(Optional.empty());
      return;
    }
    move(OwnershipEvent.START_FAILED);
    if (h.ended != null) {
      h.ended.complete(Optional.empty());
    }
    answer.complete(Optional.of(why));
  }

  /**
   * Has the backend end the recording (once); the future completes when it has, on the events
   * thread.
   */
  private CompletableFuture<Optional<RecordingSummary>> endCapture(Held h, String reason) {
    if (h.ended == null) {
      h.ended = new CompletableFuture<>();
      call(() -> capture.stop(h.id, reason))
          .whenComplete((summary, e) -> post(() -> finished(h, summary, e)));
    }
    return h.ended;
  }

  private void finished(Held h, Optional<RecordingSummary> summary, Throwable error) {
    if (held != h) {
      return;
    }
    if (error == null) {
      summary.ifPresent(this::noteEnd);
    }
    move(OwnershipEvent.ENDED);
    if (error != null) {
      h.ended.completeExceptionally(error);
    } else {
      h.ended.complete(summary);
    }
  }

  private void endedByItself(String recordingId, Optional<RecordingSummary> summary) {
    Held h = held;
    if (h == null || !h.id.equals(recordingId)) {
      return;
    }
    OwnershipState from = state;
    summary.ifPresent(this::noteEnd);
    move(OwnershipEvent.ENDED);
    if (h.ended != null) {
      h.ended.complete(summary);
    } else if (summary.isPresent() && (from == OWNED || from == STARTING)) {
      reporter.accept(toMessage(summary.get()));
    }
  }

  private void orphanBoundReached(Held h) {
    orphanTimer = null;
    if (held != h || state != ORPHANED) {
      return;
    }
    move(OwnershipEvent.ORPHAN_BOUND);
    endCapture(h, "no server adopted it within " + orphanBound.toSeconds() + " s");
    log.warn(
        "agent {}: recording {} ended: no server adopted it; its segments are offered to the next server this"
            + " client connects to",
        agent,
        h.id);
  }

  /** Applies the table; false (and logged) for an event that cannot happen in the current state. */
  private boolean move(OwnershipEvent event) {
    OwnershipState from = state;
    OwnershipState to = from.next(event);
    if (to == null) {
      log.error("agent {}: {} cannot happen while {}; ignored", agent, event, from);
      return false;
    }
    if (to == from) {
      return true;
    }
    if (from == ORPHANED && orphanTimer != null) {
      orphanTimer.cancel(false);
      orphanTimer = null;
    }
    state = to;
    log.debug("agent {}: {} -> {} on {}", agent, from, to, event);
    if (to == ORPHANED) {
      Held h = held;
      orphanTimer =
          events.schedule(
              () -> logged(() -> orphanBoundReached(h)),
              orphanBound.toMillis(),
              TimeUnit.MILLISECONDS);
    } else if (to == IDLE) {
      held = null;
      // after the event that ended it is through: a START waiting for it sees the end reported
      // first
      List<Runnable> waiting = List.copyOf(whenIdle);
      whenIdle.clear();
      waiting.forEach(this::post);
    }
    return true;
  }

  /** Notes the exact end of capture in the manifest (HELLO reports it if the upload waits). */
  private void noteEnd(RecordingSummary summary) {
    try {
      spool.captureEnded(summary.recordingId(), summary.endedAt());
    } catch (IOException e) {
      log.warn(
          "agent {}: recording {}: cannot note its end in the spool: {}",
          agent,
          summary.recordingId(),
          e.toString());
    }
  }

  private static void relay(
      CompletableFuture<Optional<RecordingSummary>> ended,
      CompletableFuture<Optional<RecordingStopped>> answer,
      boolean report) {
    ended.whenComplete(
        (s, e) -> {
          if (e != null) {
            answer.completeExceptionally(e);
          } else {
            answer.complete(report ? s.map(RecordingOwnership::toMessage) : Optional.empty());
          }
        });
  }

  private static RecordingStopped toMessage(RecordingSummary s) {
    return new RecordingStopped(
        s.recordingId(), s.segmentCount(), s.startedAt(), s.endedAt(), s.reason());
  }

  // ---- plumbing ----

  private void post(Runnable task) {
    try {
      events.execute(() -> logged(task));
    } catch (RejectedExecutionException e) {
      log.debug("agent {}: closed; a recording event is dropped", agent);
    }
  }

  /**
   * Runs {@code body} as an event; if it fails, {@code answer} fails with it instead of never
   * completing.
   */
  private void ask(CompletableFuture<?> answer, Runnable body) {
    post(guarded(answer, body));
  }

  private Runnable guarded(CompletableFuture<?> answer, Runnable body) {
    return () -> {
      try {
        body.run();
      } catch (RuntimeException e) {
        log.error("agent {}: recording event failed", agent, e);
        answer.completeExceptionally(e);
      }
    };
  }

  private void logged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("agent {}: recording event failed", agent, e);
    }
  }

  /** A backend call whose throwing is a failed future, like its other failures. */
  private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> backendCall) {
    try {
      return backendCall.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String unwrap(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return cause.toString();
  }
}
