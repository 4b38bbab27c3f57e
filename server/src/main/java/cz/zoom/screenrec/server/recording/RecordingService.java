package cz.zoom.screenrec.server.recording;

import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.UploadGrant;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.AgentSession;
import cz.zoom.screenrec.server.control.SessionListener;
import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.upload.UploadTokens;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a recording on this cluster: a call starts → START to the agent's client → segments
 * arrive → the call ends → STOP → all segments in → checked, READY. Every step is idempotent, so
 * repeated call events, reconnects and repeated uploads are harmless.
 */
public final class RecordingService implements SessionListener {
  private static final Logger log = LoggerFactory.getLogger(RecordingService.class);
  private static final long ACK_TIMEOUT_MS = 5_000;

  /**
   * Origin of a recording adopted mid-capture: the client does not say which cluster started it.
   */
  private static final String ORIGIN_UNKNOWN = "unknown";

  private final ServerConfig config;
  private final RecordingStore store;
  private final AgentRegistry agents;
  private final Consumer<String> readyQueue;
  private final RecordingOrigins origins;
  private final Clock clock;

  public RecordingService(
      ServerConfig config,
      RecordingStore store,
      AgentRegistry agents,
      Consumer<String> readyQueue,
      RecordingOrigins origins,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.agents = agents;
    this.readyQueue = readyQueue;
    this.origins = origins;
    this.clock = clock;
  }

  // --- call events ---------------------------------------------------------------------------

  /** A call started for an agent: start recording its screen if its client is connected here. */
  public Recording callStarted(String callId, String agent) {
    long now = clock.millis();
    boolean isNew = store.insertCall(new Call(callId, agent, now, null));
    Call call = store.findCall(callId).orElseThrow();
    if (!call.agent().equals(agent)) {
      throw new Refusal.Conflict(
          "call_exists", "call " + callId + " is already known for another agent");
    }
    if (!isNew) {
      Optional<Recording> existing = store.findRecordingOfCall(callId);
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    AgentSession session =
        agents
            .find(agent)
            .orElseThrow(
                () ->
                    new Refusal.Conflict(
                        "agent_not_connected",
                        "agent "
                            + agent
                            + " has no Capture Client connected to this server; the call is remembered "
                            + "in case its client connects during the call"));
    synchronized (session) {
      if (session.recordingId() != null) {
        throw new Refusal.Conflict(
            "agent_busy",
            "agent "
                + agent
                + " is already being recorded (recording "
                + session.recordingId()
                + ")");
      }
      String recordingId = UUID.randomUUID().toString();
      String token = UploadTokens.newToken();
      store.insertRecording(
          recordingId,
          callId,
          agent,
          session.desktopId(),
          config.clusterId(),
          RecordingStatus.RECORDING,
          UploadTokens.hash(token),
          now,
          null,
          null);
      if (!store.linkRecordingToCall(callId, recordingId, null)) {
        // a concurrent start of the same call, or an adoption, got there first
        store.fail(recordingId, "the call already has a recording", clock.millis());
        return store.findRecordingOfCall(callId).orElseThrow();
      }
      store.clockOffset(recordingId, session.clockOffsetMs());
      session.recordingId(recordingId);
      Ack ack =
          await(
              session,
              session.command(
                  seq -> new Start(seq, recordingId, callId, config.uploadUrl(), token, null)),
              "START");
      if (ack == null || !ack.ok()) {
        String reason =
            ack == null
                ? "the client did not acknowledge START"
                : "the client refused START: " + ack.message();
        session.recordingId(null);
        store.fail(recordingId, reason, clock.millis());
        throw new Refusal.AgentFailed("client_refused", reason);
      }
      log.info("call {}: recording {} started for agent {}", callId, recordingId, agent);
      return store.findRecording(recordingId).orElseThrow();
    }
  }

  /**
   * A call ended: stop the recording its start created or this cluster adopted for it (now, or when
   * the client reconnects). Other rows naming the call are a client's claims and stop nothing.
   */
  public Recording callEnded(String callId) {
    Call call =
        store.findCall(callId).orElseThrow(() -> new Refusal.NotFound("unknown call " + callId));
    store.endCall(callId, clock.millis());
    Optional<Recording> found = store.findRecordingOfCall(call.callId());
    if (found.isEmpty()) {
      return null;
    }
    Recording recording = found.get();
    if (store.transition(
        recording.id(),
        RecordingStatus.RECORDING,
        RecordingStatus.UPLOADING,
        null,
        clock.millis())) {
      agents
          .find(recording.agent())
          .filter(s -> recording.id().equals(s.recordingId()))
          .ifPresentOrElse(
              s -> sendStop(s, recording.id()),
              () ->
                  log.info(
                      "call {}: agent {} is not connected; STOP will be sent when it reconnects",
                      callId,
                      recording.agent()));
    }
    checkComplete(recording.id());
    return store.findRecording(recording.id()).orElseThrow();
  }

  // --- uploads -------------------------------------------------------------------------------

  /** A segment was stored; the final one tells how many the recording has. */
  public void segmentStored(String recordingId, int index, boolean last) {
    if (last) {
      store.segmentCountKnown(recordingId, index + 1);
    }
    checkComplete(recordingId);
  }

  /**
   * Adds an upload token to a recording this cluster knows and returns it, for whoever now holds
   * the recording's remaining segments (an adoption, a takeover). Tokens issued before stay valid,
   * so a later claim never locks out the original holder; all of them die when the recording leaves
   * UPLOADING.
   */
  public String issueUploadToken(String recordingId) {
    String token = UploadTokens.newToken();
    store.addUploadToken(recordingId, UploadTokens.hash(token), clock.millis());
    return token;
  }

  /** Hands the recording to the READY check once it has ended and all its segments are in. */
  void checkComplete(String recordingId) {
    Recording r = store.findRecording(recordingId).orElse(null);
    if (r == null || r.status() != RecordingStatus.UPLOADING || r.segmentCount() == null) {
      return;
    }
    if (r.segmentCount() == 0) {
      store.fail(recordingId, "nothing was captured", clock.millis());
      return;
    }
    if (store.segmentCount(recordingId) >= r.segmentCount()
        && store.transition(
            recordingId,
            RecordingStatus.UPLOADING,
            RecordingStatus.ENCODING,
            null,
            clock.millis())) {
      log.info("recording {}: all {} segments in, checking", recordingId, r.segmentCount());
      readyQueue.accept(recordingId);
    }
  }

  /**
   * Ends the wait for recordings whose uploads stopped: the client said STOP's ACK but never how
   * many segments there are (it crashed), or never came back. After the grace period they are made
   * READY from what arrived; missing segments become gaps.
   */
  public void closeStalledUploads() {
    long before = clock.millis() - config.uploadGrace().toMillis();
    for (String id : store.findIdle(RecordingStatus.UPLOADING, before)) {
      Recording r = store.findRecording(id).orElseThrow();
      if (r.segmentCount() == null) {
        int highest = store.highestSegmentIndex(id);
        log.warn(
            "recording {}: no upload for {} s and the client never said how many segments there are; "
                + "checking the {} that arrived",
            id,
            config.uploadGrace().toSeconds(),
            highest + 1);
        store.segmentCountKnown(id, highest + 1);
      } else {
        log.warn(
            "recording {}: no upload for {} s, {} of {} segments arrived; playable with gaps",
            id,
            config.uploadGrace().toSeconds(),
            store.segmentCount(id),
            r.segmentCount());
      }
      if (store.segmentCount(id) == 0) {
        store.fail(id, "no segment arrived within the upload grace period", clock.millis());
      } else if (store.transition(
          id, RecordingStatus.UPLOADING, RecordingStatus.ENCODING, null, clock.millis())) {
        readyQueue.accept(id);
      }
    }
  }

  // --- control sessions ----------------------------------------------------------------------

  @Override
  public Takeover onHello(Hello hello, String desktopId, long clockOffsetHint) {
    Adoption adoption =
        hello.activeRecording() == null ? null : adopt(hello, desktopId, clockOffsetHint);
    List<UploadGrant> grants = new ArrayList<>();
    OriginQuestions questions = new OriginQuestions(config.peerTimeout());
    for (PendingRecording pending : hello.pendingRecordings()) {
      String token = takeOverUploads(hello.agent(), desktopId, pending, clockOffsetHint, questions);
      if (token != null) {
        grants.add(new UploadGrant(pending.recordingId(), token));
      }
    }
    return new Takeover(adoption, grants);
  }

  /**
   * Takes over a recording still being captured: one this cluster knows as the same agent's and
   * still open, or a new one of a call this cluster's feed knows for that agent and that has no
   * recording here but a failed one: a recording being encoded or played is never replaced. The
   * adopted recording becomes the call's, so the call's end stops it.
   */
  private Adoption adopt(Hello hello, String desktopId, long clockOffsetHint) {
    ActiveRecording active = hello.activeRecording();
    Optional<Recording> known = store.findRecording(active.recordingId());
    if (known.isPresent()) {
      Recording r = known.get();
      if (!r.agent().equals(hello.agent())) {
        log.warn(
            "agent {} claims recording {} of agent {} as its own; not adopting",
            hello.agent(),
            r.id(),
            r.agent());
        return null;
      }
      if (!RecordingStore.takesUploads(r.status())) {
        return null;
      }
      return new Adoption(r.id(), issueUploadToken(r.id()));
    }
    Optional<Call> call = store.findCall(active.callId());
    if (call.isEmpty() || !call.get().agent().equals(hello.agent())) {
      log.info(
          "agent {} reports recording {} of call {}, which this cluster does not know for it; not adopting",
          hello.agent(),
          active.recordingId(),
          active.callId());
      return null;
    }
    Optional<Recording> ofCall = store.findRecordingOfCall(active.callId());
    if (ofCall.isPresent() && ofCall.get().status() != RecordingStatus.FAILED) {
      log.warn(
          "agent {} reports recording {} of call {}, which already has recording {} here; not adopting",
          hello.agent(),
          active.recordingId(),
          active.callId(),
          ofCall.get().id());
      return null;
    }
    String token = UploadTokens.newToken();
    store.insertRecording(
        active.recordingId(),
        active.callId(),
        hello.agent(),
        desktopId,
        config.clusterId(),
        RecordingStatus.RECORDING,
        UploadTokens.hash(token),
        clock.millis(),
        active.originClusterId() == null ? ORIGIN_UNKNOWN : active.originClusterId(),
        active.startedAt());
    if (!store.linkRecordingToCall(
        active.callId(), active.recordingId(), ofCall.map(Recording::id).orElse(null))) {
      store.fail(active.recordingId(), "the call got another recording meanwhile", clock.millis());
      return null;
    }
    store.clockOffset(active.recordingId(), clockOffsetHint);
    log.info(
        "adopting recording {} of call {} from agent {}",
        active.recordingId(),
        active.callId(),
        hello.agent());
    return new Adoption(active.recordingId(), token);
  }

  /**
   * Takes the remaining segments of a recording that ended while its own server or MUS was away, if
   * it is the same agent's: one this cluster knows (its token and segment count stay as they are;
   * the grant adds a token), or a new one of a call this cluster's feed knows for the agent and has
   * no recording here but a failed one, or one a configured peer cluster's API shows as that
   * agent's. A claim of anything else gets no grant and creates nothing. Returns the upload token,
   * or null.
   */
  private String takeOverUploads(
      String agent,
      String desktopId,
      PendingRecording p,
      long clockOffsetHint,
      OriginQuestions questions) {
    long now = clock.millis();
    Optional<Recording> known = store.findRecording(p.recordingId());
    if (known.isPresent()) {
      if (!known.get().agent().equals(agent)) {
        log.warn(
            "agent {} claims recording {} of agent {}; refusing its uploads",
            agent,
            p.recordingId(),
            known.get().agent());
        return null;
      }
      if (!RecordingStore.takesUploads(known.get().status())) {
        return null;
      }
      String token = issueUploadToken(p.recordingId());
      store.captureEnded(p.recordingId(), p.startedAt(), p.endedAt(), p.segmentCount(), now);
      store.transition(
          p.recordingId(), RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, now);
      checkComplete(p.recordingId());
      return token;
    }
    if (!issuedElsewhere(agent, p, questions)) {
      return null;
    }
    String token = UploadTokens.newToken();
    store.insertRecording(
        p.recordingId(),
        p.callId(),
        agent,
        desktopId,
        config.clusterId(),
        RecordingStatus.UPLOADING,
        UploadTokens.hash(token),
        now,
        p.originClusterId(),
        p.startedAt());
    store.clockOffset(p.recordingId(), clockOffsetHint);
    store.captureEnded(p.recordingId(), p.startedAt(), p.endedAt(), p.segmentCount(), now);
    log.info(
        "taking over the pending uploads of recording {} (call {}, started on cluster {})",
        p.recordingId(),
        p.callId(),
        p.originClusterId());
    checkComplete(p.recordingId());
    return token;
  }

  /**
   * Whether a recording this cluster does not know was the agent's elsewhere: its call is the
   * agent's on this cluster's feed too, or the peer cluster it names shows it as the agent's.
   */
  private boolean issuedElsewhere(String agent, PendingRecording p, OriginQuestions questions) {
    Optional<Call> call = store.findCall(p.callId());
    if (call.isPresent()) {
      Optional<Recording> ofCall = store.findRecordingOfCall(p.callId());
      if (ofCall.isPresent() && ofCall.get().status() != RecordingStatus.FAILED) {
        log.warn(
            "agent {} claims recording {} of call {}, which has recording {} here; refusing its uploads",
            agent,
            p.recordingId(),
            p.callId(),
            ofCall.get().id());
        return false;
      }
      if (call.get().agent().equals(agent)) {
        return true;
      }
      log.warn(
          "agent {} claims recording {} of call {}, which is agent {}'s; refusing its uploads",
          agent,
          p.recordingId(),
          p.callId(),
          call.get().agent());
      return false;
    }
    String origin = p.originClusterId();
    if (origin.equals(config.clusterId())
        || origin.equals(ORIGIN_UNKNOWN)
        || !questions.mayAsk(origin)) {
      log.warn(
          "agent {} claims recording {} of call {} from cluster {}, which this cluster cannot verify; "
              + "refusing its uploads",
          agent,
          p.recordingId(),
          p.callId(),
          origin);
      return false;
    }
    try {
      Optional<RecordingOrigins.Issued> issued = origins.issued(origin, p.recordingId());
      if (issued.isPresent()
          && agent.equals(issued.get().agent())
          && p.callId().equals(issued.get().callId())) {
        return true;
      }
      log.warn(
          "agent {} claims recording {} of call {} from cluster {}, which that cluster does not show as "
              + "the agent's; refusing its uploads",
          agent,
          p.recordingId(),
          p.callId(),
          origin);
    } catch (IOException e) {
      questions.noAnswer(origin);
      log.warn(
          "cannot ask cluster {} about recording {} of agent {}: {}; it is offered again on the next "
              + "connection",
          origin,
          p.recordingId(),
          agent,
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public void onSessionStarted(AgentSession session, Takeover takeover) {
    Adoption adoption = takeover.adoption();
    if (adoption == null) {
      return;
    }
    Recording r = store.findRecording(adoption.recordingId()).orElseThrow();
    boolean callOver = store.findCall(r.callId()).map(c -> c.endedAt() != null).orElse(false);
    if (callOver || r.status() == RecordingStatus.UPLOADING) {
      store.transition(
          r.id(), RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, clock.millis());
      sendStop(session, r.id());
    }
  }

  @Override
  public void onRecordingStopped(AgentSession session, RecordingStopped stopped) {
    String id = stopped.recordingId();
    Optional<Recording> known = store.findRecording(id);
    if (known.isEmpty()) {
      log.warn(
          "agent {} stopped recording {}, which this cluster does not know", session.agent(), id);
      return;
    }
    if (!known.get().agent().equals(session.agent())) {
      throw new ProtocolException(
          ErrorCode.FOREIGN_RECORDING,
          "recording " + id + " is not a recording of agent " + session.agent());
    }
    long now = clock.millis();
    store.clockOffset(id, session.clockOffsetMs());
    store.captureEnded(id, stopped.startedAt(), stopped.endedAt(), stopped.segmentCount(), now);
    store.transition(id, RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, now);
    if (id.equals(session.recordingId())) {
      session.recordingId(null);
    }
    log.info(
        "recording {}: client stopped after {} segment(s) ({})",
        id,
        stopped.segmentCount(),
        stopped.reason());
    checkComplete(id);
  }

  @Override
  public void onSessionClosed(AgentSession session) {
    if (session.recordingId() != null) {
      log.warn(
          "agent {} disconnected while recording {}; the client keeps capturing and reports it on reconnect",
          session.agent(),
          session.recordingId());
    }
  }

  private void sendStop(AgentSession session, String recordingId) {
    session
        .command(seq -> new Stop(seq, recordingId))
        .whenComplete(
            (ack, error) -> {
              if (error != null) {
                log.warn(
                    "STOP of recording {} to agent {} failed: {}",
                    recordingId,
                    session.agent(),
                    error.getMessage());
              }
            });
  }

  private static Ack await(
      AgentSession session, java.util.concurrent.CompletableFuture<Ack> ack, String what) {
    try {
      return ack.get(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("agent {}: no ACK for {}: {}", session.agent(), what, e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      // an ACK that comes later finds no command waiting for it
      ack.cancel(false);
    }
  }
}
