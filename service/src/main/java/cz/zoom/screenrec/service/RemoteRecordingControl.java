package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.client.control.RecordingControl;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording side of one session's control connection, carried out by the session's capture
 * process: START, STOP and CONFIGURE from the server go over IPC, and the segments the capture
 * process streams back are written into the service's spool (from where the service's uploader
 * sends them). The policy is the client's RecordingService's: a recording whose server went away
 * goes on for at most {@code orphanBound} unless the next server adopts it; only an owned
 * recording makes START refuse.
 */
final class RemoteRecordingControl implements RecordingControl {
  private static final Logger log = LoggerFactory.getLogger(RemoteRecordingControl.class);
  /** The Media Upload Server takes at most this much per segment; more is a broken capture process. */
  static final long MAX_SEGMENT_BYTES = 256L * 1024 * 1024;

  /** Sends to the capture process. */
  interface Link {
    void send(IpcMessage message) throws IOException;
  }

  private final String agent;
  private final Spool spool;
  private final Link link;
  private final ScheduledExecutorService timer;
  private final Duration orphanBound;
  private final Duration answerTimeout;
  private final Object lock = new Object();
  private final AtomicLong seqs = new AtomicLong();
  private final Map<Long, CompletableFuture<IpcMessage.Ack>> acks = new ConcurrentHashMap<>();
  private volatile Consumer<RecordingStopped> reporter = m -> {};
  private Capture current;
  private boolean owned;
  private ScheduledFuture<?> orphanStop;
  private String sessionClusterId;
  private CaptureSettings sessionSettings = CaptureSettings.DEFAULT;
  private SegmentSink.Output open;
  private int openIndex;
  private long openBytes;

  /** The recording the capture process is capturing (or finishing, once a STOP went out). */
  private static final class Capture {
    final String id;
    final String callId;
    final long startedAt;
    int nextIndex;
    long stopSeq;
    CompletableFuture<Optional<RecordingStopped>> stopping;

    Capture(String id, String callId, long startedAt) {
      this.id = id;
      this.callId = callId;
      this.startedAt = startedAt;
    }
  }

  RemoteRecordingControl(String agent, Spool spool, Link link, ScheduledExecutorService timer, Duration orphanBound,
      Duration answerTimeout) {
    this.agent = agent;
    this.spool = spool;
    this.link = link;
    this.timer = timer;
    this.orphanBound = orphanBound;
    this.answerTimeout = answerTimeout;
  }

  /** Where a recording the capture process ended by itself is reported (the session's control connection). */
  void reportTo(Consumer<RecordingStopped> value) {
    reporter = value;
  }

  @Override
  public Optional<ActiveRecording> activeRecording() {
    synchronized (lock) {
      if (current == null || current.stopping != null) {
        return Optional.empty();
      }
      return Optional.of(new ActiveRecording(current.id, current.callId, current.startedAt, current.nextIndex,
          spool.originOf(current.id)));
    }
  }

  @Override
  public List<PendingRecording> pendingRecordings() {
    return spool.pendingRecordings(agent);
  }

  @Override
  public boolean idle() {
    synchronized (lock) {
      return current == null;
    }
  }

  @Override
  public CompletableFuture<Optional<String>> start(Start start) {
    CaptureSettings settings;
    String clusterId;
    CompletableFuture<?> before;
    synchronized (lock) {
      settings = start.capture() != null ? start.capture() : sessionSettings;
      clusterId = sessionClusterId;
      if (current == null) {
        return startNow(start, settings, clusterId);
      }
      if (current.id.equals(start.recordingId()) && current.stopping == null) {
        owned = true;
        cancelOrphanStop();
        return CompletableFuture.completedFuture(spool.retarget(current.id, start.uploadUrl(), start.uploadToken()));
      }
      if (owned && current.stopping == null) {
        return CompletableFuture.completedFuture(Optional.of("already recording " + current.id));
      }
      if (current.stopping == null) {
        log.warn("agent {}: recording {} was not adopted by this server; ending it for the new recording {}", agent,
            current.id, start.recordingId());
        cancelOrphanStop();
      }
      before = stopCapture(current, "superseded by recording " + start.recordingId());
    }
    return before.handle((x, e) -> null).thenCompose(x -> {
      synchronized (lock) {
        return current == null ? startNow(start, settings, clusterId)
            : CompletableFuture.completedFuture(Optional.of("still finishing recording " + current.id));
      }
    });
  }

  /** Called with the lock held. */
  private CompletableFuture<Optional<String>> startNow(Start start, CaptureSettings settings, String clusterId) {
    String id = start.recordingId();
    try {
      if (spool.manifest(id).isPresent()) {
        return CompletableFuture.completedFuture(Optional.of("recording " + id + " already ended on this host"));
      }
      spool.create(new Manifest(id, start.callId(), agent, start.uploadUrl(), start.uploadToken(),
          System.currentTimeMillis(), null, clusterId, null));
    } catch (IOException e) {
      log.error("agent {}: cannot spool recording {}", agent, id, e);
      return CompletableFuture.completedFuture(Optional.of("cannot write the spool: " + e.getMessage()));
    }
    // before START goes out: the capture process may send the first segment before its ACK
    current = new Capture(id, start.callId(), System.currentTimeMillis());
    long seq = seqs.incrementAndGet();
    CompletableFuture<IpcMessage.Ack> ack = new CompletableFuture<>();
    acks.put(seq, ack);
    try {
      link.send(new IpcMessage.Start(seq, id, start.callId(), settings));
    } catch (IOException e) {
      ack.completeExceptionally(e);
    }
    return ack.orTimeout(answerTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((a, e) -> {
      acks.remove(seq);
      String refusal = e != null ? (unwrap(e) instanceof TimeoutException
          ? "the session's capture process did not answer within " + answerTimeout.toSeconds() + " s"
          : "the session's capture process is gone: " + unwrap(e).getMessage())
          : a.ok() ? null : a.message();
      synchronized (lock) {
        if (refusal == null) {
          owned = true;
          return Optional.<String>empty();
        }
        if (current != null && current.id.equals(id)) {
          current = null;
        }
        abortOpen();
        spool.removeQuietly(id);
        return Optional.of(refusal);
      }
    });
  }

  @Override
  public CompletableFuture<Optional<RecordingStopped>> stop(String recordingId) {
    synchronized (lock) {
      if (current == null || !current.id.equals(recordingId)) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      cancelOrphanStop();
      return stopCapture(current, "stopped by server");
    }
  }

  /** Called with the lock held; a second stop of the same recording gets the same future. */
  private CompletableFuture<Optional<RecordingStopped>> stopCapture(Capture c, String reason) {
    if (c.stopping != null) {
      return c.stopping;
    }
    c.stopping = new CompletableFuture<>();
    c.stopSeq = seqs.incrementAndGet();
    try {
      link.send(new IpcMessage.Stop(c.stopSeq, c.id, reason));
    } catch (IOException e) {
      // the session is ending: connectionClosed() settles the future
      log.warn("agent {}: cannot send STOP {} to the capture process: {}", agent, c.id, e.toString());
    }
    return c.stopping;
  }

  /**
   * As in the client: the settings apply to the next START, and a recording in progress takes them
   * at once (the capture process's recorder changes them; it may refuse, e.g. a monitor it lacks).
   * Waits for the capture process's answer without the lock, which segments coming in need.
   */
  @Override
  public Optional<String> configure(CaptureSettings settings) {
    long seq;
    CompletableFuture<IpcMessage.Ack> ack;
    synchronized (lock) {
      sessionSettings = settings;
      if (current == null || current.stopping != null) {
        log.info("agent {}: capture settings are now {}", agent, settings);
        return Optional.empty();
      }
      seq = seqs.incrementAndGet();
      ack = new CompletableFuture<>();
      acks.put(seq, ack);
    }
    try {
      link.send(new IpcMessage.Configure(seq, settings));
      IpcMessage.Ack a = ack.get(Math.min(answerTimeout.toMillis(), 3_000), TimeUnit.MILLISECONDS);
      if (a.ok()) {
        log.info("agent {}: capture settings are now {}", agent, settings);
        return Optional.empty();
      }
      return Optional.of(a.message() == null ? "refused by the session's capture process" : a.message());
    } catch (TimeoutException e) {
      return Optional.of("the session's capture process did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (IOException | java.util.concurrent.ExecutionException e) {
      return Optional.of("the session's capture process is gone: " + unwrap(e).getMessage());
    } finally {
      acks.remove(seq);
    }
  }

  @Override
  public void sessionStarted(Welcome welcome) {
    synchronized (lock) {
      sessionClusterId = welcome.clusterId();
      sessionSettings = welcome.capture();
      spool.applyGrants(agent, welcome);
      if (current == null || current.stopping != null) {
        return;
      }
      if (current.id.equals(welcome.adoptedRecordingId())) {
        owned = true;
        cancelOrphanStop();
        spool.retarget(current.id, welcome.uploadUrl(), welcome.uploadToken());
        log.info("agent {}: cluster {} adopted recording {}", agent, welcome.clusterId(), current.id);
      } else {
        log.warn("agent {}: cluster {} did not adopt recording {}; it is captured until the bound of {} s runs out",
            agent, welcome.clusterId(), current.id, orphanBound.toSeconds());
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
      if (current == null || current.stopping != null || orphanStop != null) {
        return;
      }
      Capture orphan = current;
      log.warn("agent {}: control connection lost while recording {}; capturing on for at most {} s", agent,
          orphan.id, orphanBound.toSeconds());
      orphanStop = timer.schedule(() -> {
        synchronized (lock) {
          orphanStop = null;
          if (!owned && current == orphan) {
            stopCapture(orphan, "no server adopted it within " + orphanBound.toSeconds() + " s");
          }
        }
      }, orphanBound.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ---- from the capture process (the session's reader thread) ----

  void onAck(IpcMessage.Ack ack) throws IpcProtocolException {
    CompletableFuture<IpcMessage.Ack> f = acks.get(ack.seq());
    if (f != null) {
      f.complete(ack);
      return;
    }
    synchronized (lock) {
      if (current != null && current.stopping != null && current.stopSeq == ack.seq()) {
        // the capture process was not recording it (any more): nothing to report
        Capture c = current;
        current = null;
        abortOpen();
        c.stopping.complete(Optional.empty());
        return;
      }
    }
    throw new IpcProtocolException("UNEXPECTED_MESSAGE", "ACK " + ack.seq() + " answers nothing");
  }

  void onSegmentOpen(IpcMessage.SegmentOpen m) throws IOException {
    synchronized (lock) {
      requireCurrent(m.recordingId());
      if (open != null) {
        throw new IpcProtocolException("UNEXPECTED_MESSAGE", "segment " + openIndex + " is still open");
      }
      if (m.index() != current.nextIndex) {
        throw new IpcProtocolException("BAD_MESSAGE", "segment " + m.index() + " opened, expected "
            + current.nextIndex);
      }
      open = spool.open(m.recordingId(), m.index());
      openIndex = m.index();
      openBytes = 0;
    }
  }

  void onSegmentData(IpcMessage.SegmentData m) throws IOException {
    synchronized (lock) {
      requireOpen(m.recordingId(), m.index());
      byte[] data = m.data() == null ? new byte[0] : m.data();
      openBytes += data.length;
      if (openBytes > MAX_SEGMENT_BYTES) {
        abortOpen();
        throw new IpcProtocolException("SEGMENT_TOO_LARGE", "segment larger than " + MAX_SEGMENT_BYTES + " bytes");
      }
      open.stream().write(data);
    }
  }

  /** Makes the segment durable in the spool; the answer tells the capture process it may forget it. */
  IpcMessage.Committed onSegmentCommit(IpcMessage.SegmentCommit m) throws IOException {
    synchronized (lock) {
      requireOpen(m.recordingId(), m.index());
      SegmentSink.Output out = open;
      open = null;
      try {
        out.stream().flush();
        out.commit(m.last());
      } catch (IOException e) {
        out.abort();
        log.error("agent {}: cannot spool segment {} of {}: {}", agent, m.index(), m.recordingId(), e.toString());
        return new IpcMessage.Committed(m.seq(), false, "cannot write the service's spool: " + e.getMessage());
      }
      if (!m.last()) {
        current.nextIndex = m.index() + 1;
      }
      return new IpcMessage.Committed(m.seq(), true, null);
    }
  }

  void onSegmentAbort(IpcMessage.SegmentAbort m) throws IOException {
    synchronized (lock) {
      requireOpen(m.recordingId(), m.index());
      abortOpen();
    }
  }

  void onStopped(IpcMessage.Stopped m) throws IOException {
    RecordingStopped message = new RecordingStopped(m.recordingId(), m.segmentCount(), m.startedAt(), m.endedAt(),
        m.reason() == null ? "stopped" : m.reason());
    CompletableFuture<Optional<RecordingStopped>> answer;
    boolean report;
    synchronized (lock) {
      requireCurrent(m.recordingId());
      abortOpen();
      try {
        spool.captureEnded(m.recordingId(), m.endedAt());
      } catch (IOException e) {
        log.warn("agent {}: recording {}: cannot note its end in the spool: {}", agent, m.recordingId(), e.toString());
      }
      answer = current.stopping;
      report = owned;
      cancelOrphanStop();
      current = null;
    }
    log.info("agent {}: recording {} ended after {} segments ({})", agent, m.recordingId(), m.segmentCount(),
        message.reason());
    if (answer != null) {
      answer.complete(Optional.of(message));
    } else if (report) {
      reporter.accept(message);
    }
  }

  /** The capture process is gone (logged off, crashed): nothing more will come for its recording. */
  void connectionClosed() {
    List<CompletableFuture<IpcMessage.Ack>> waiting = new ArrayList<>(acks.values());
    waiting.forEach(f -> f.completeExceptionally(new IOException("capture process disconnected")));
    synchronized (lock) {
      abortOpen();
      cancelOrphanStop();
      if (current != null) {
        // segments committed so far stay in the spool and are uploaded; without its final segment the server
        // treats the recording like one whose client vanished
        log.warn("agent {}: capture process ended while recording {} ({} segments spooled)", agent, current.id,
            current.nextIndex);
        if (current.stopping != null) {
          current.stopping.completeExceptionally(new IOException("the session's capture process ended"));
        }
        current = null;
      }
    }
  }

  private void requireCurrent(String recordingId) throws IpcProtocolException {
    if (current == null || !current.id.equals(recordingId)) {
      throw new IpcProtocolException("UNEXPECTED_MESSAGE", "recording " + recordingId + " is not being captured");
    }
  }

  private void requireOpen(String recordingId, int index) throws IpcProtocolException {
    requireCurrent(recordingId);
    if (open == null || openIndex != index) {
      throw new IpcProtocolException("UNEXPECTED_MESSAGE", "segment " + index + " of " + recordingId + " is not open");
    }
  }

  private void abortOpen() {
    if (open != null) {
      open.abort();
      open = null;
    }
  }

  private void cancelOrphanStop() {
    if (orphanStop != null) {
      orphanStop.cancel(false);
      orphanStop = null;
    }
  }

  private static Throwable unwrap(Throwable e) {
    return (e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null ? e.getCause() : e;
  }
}
