package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.capture.CaptureBackend;
import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.capture.RecordingSummary;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture backend of one session in service mode: its capture process, which gets START, STOP
 * and CONFIGURE over IPC and answers with ACK and STOPPED (docs/service-mode.md). The segments it
 * streams meanwhile go through the session's {@link SegmentReceiver}, which this tells which
 * recording may be written. Commands come from the session's recording ownership; answers from the
 * session's reader thread; futures complete there, never under this class's lock.
 */
final class IpcCapture implements CaptureBackend {
  private static final Logger log = LoggerFactory.getLogger(IpcCapture.class);

  /**
   * CONFIGURE is answered by a capture process at once; more than this is one that no longer
   * listens.
   */
  private static final Duration CONFIGURE_TIMEOUT = Duration.ofSeconds(3);

  /** Sends to the capture process. */
  interface Link {
    void send(IpcMessage message) throws IOException;
  }

  private final String agent;
  private final Link link;
  private final SegmentReceiver segments;
  private final Duration answerTimeout;
  private final AtomicLong seqs = new AtomicLong();

  /**
   * Commands waiting for their ACK: START, CONFIGURE, and STOP (which a capture process not
   * recording answers so).
   */
  private final Map<Long, CompletableFuture<IpcMessage.Ack>> acks = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private volatile BiConsumer<String, Optional<RecordingSummary>> endedByItself = (id, s) -> {};
  private Capture current;

  /** The recording the capture process captures (or finishes, once a STOP went out). */
  private static final class Capture {
    final String id;
    final String callId;
    final long startedAt;
    CompletableFuture<Optional<RecordingSummary>> stopping;

    Capture(String id, String callId, long startedAt) {
      this.id = id;
      this.callId = callId;
      this.startedAt = startedAt;
    }
  }

  IpcCapture(String agent, Link link, SegmentReceiver segments, Duration answerTimeout) {
    this.agent = agent;
    this.link = link;
    this.segments = segments;
    this.answerTimeout = answerTimeout;
  }

  @Override
  public CompletableFuture<Optional<String>> start(RecordingSpec spec, CaptureSettings settings) {
    String id = spec.recordingId();
    Capture c = new Capture(id, spec.callId(), System.currentTimeMillis());
    synchronized (lock) {
      if (current != null) {
        return CompletableFuture.completedFuture(
            Optional.of("still finishing recording " + current.id));
      }
      current = c;
      // before START goes out: the capture process may send the first segment before its ACK
      segments.expect(id);
    }
    long seq = seqs.incrementAndGet();
    return command(seq, new IpcMessage.Start(seq, id, spec.callId(), settings), answerTimeout)
        .thenApply(
            a -> {
              Optional<String> refusal =
                  a.refusal().isPresent()
                      ? a.refusal()
                      : a.ack().ok()
                          ? Optional.empty()
                          : Optional.of(String.valueOf(a.ack().message()));
              if (refusal.isEmpty()) {
                return refusal;
              }
              CompletableFuture<Optional<RecordingSummary>> stopping = forget(c);
              if (stopping != null) {
                // a STOP that came meanwhile finds nothing to report
                stopping.complete(Optional.empty());
              }
              return refusal;
            });
  }

  @Override
  public CompletableFuture<Optional<RecordingSummary>> stop(String recordingId, String reason) {
    Capture c;
    synchronized (lock) {
      c = current;
      if (c == null || !c.id.equals(recordingId)) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      if (c.stopping != null) {
        return c.stopping;
      }
      c.stopping = new CompletableFuture<>();
    }
    long seq = seqs.incrementAndGet();
    CompletableFuture<IpcMessage.Ack> ack = new CompletableFuture<>();
    acks.put(seq, ack);
    // an ACK instead of STOPPED: the capture process was not recording it (any more), nothing to
    // report
    ack.thenRun(
        () -> {
          forget(c);
          c.stopping.complete(Optional.empty());
        });
    try {
      link.send(new IpcMessage.Stop(seq, recordingId, reason));
    } catch (IOException e) {
      // the session is ending: connectionClosed() settles the future
      log.warn(
          "agent {}: cannot send STOP {} to the capture process: {}",
          agent,
          recordingId,
          e.toString());
    }
    return c.stopping;
  }

  @Override
  public CompletableFuture<Optional<String>> configure(CaptureSettings settings) {
    synchronized (lock) {
      if (current == null || current.stopping != null) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
    }
    long seq = seqs.incrementAndGet();
    Duration timeout =
        answerTimeout.compareTo(CONFIGURE_TIMEOUT) < 0 ? answerTimeout : CONFIGURE_TIMEOUT;
    return command(seq, new IpcMessage.Configure(seq, settings), timeout)
        .thenApply(
            a ->
                a.refusal().isPresent()
                    ? a.refusal()
                    : a.ack().ok()
                        ? Optional.empty()
                        : Optional.of(
                            a.ack().message() == null
                                ? "refused by the session's capture process"
                                : a.ack().message()));
  }

  @Override
  public Optional<ActiveRecording> active() {
    synchronized (lock) {
      if (current == null || current.stopping != null) {
        return Optional.empty();
      }
      return Optional.of(
          new ActiveRecording(current.id, current.callId, current.startedAt, segments.nextIndex()));
    }
  }

  @Override
  public void onEndedByItself(BiConsumer<String, Optional<RecordingSummary>> listener) {
    endedByItself = listener;
  }

  // ---- from the capture process (the session's reader thread) ----

  void onAck(IpcMessage.Ack ack) throws IpcProtocolException {
    CompletableFuture<IpcMessage.Ack> waiting = acks.remove(ack.seq());
    if (waiting == null) {
      throw new IpcProtocolException("UNEXPECTED_MESSAGE", "ACK " + ack.seq() + " answers nothing");
    }
    waiting.complete(ack);
  }

  void onStopped(IpcMessage.Stopped m) throws IpcProtocolException {
    Capture c;
    synchronized (lock) {
      c = current;
      if (c == null || !c.id.equals(m.recordingId())) {
        throw new IpcProtocolException(
            "UNEXPECTED_MESSAGE", "recording " + m.recordingId() + " is not being captured");
      }
      current = null;
    }
    segments.end(c.id);
    acks.remove(m.seq());
    RecordingSummary summary =
        new RecordingSummary(
            m.recordingId(),
            c.callId,
            m.segmentCount(),
            m.startedAt(),
            m.endedAt(),
            m.reason() == null ? "stopped" : m.reason());
    log.info(
        "agent {}: recording {} ended after {} segments ({})",
        agent,
        m.recordingId(),
        m.segmentCount(),
        summary.reason());
    if (c.stopping != null) {
      c.stopping.complete(Optional.of(summary));
    } else {
      endedByItself.accept(c.id, Optional.of(summary));
    }
  }

  /**
   * The capture process is gone (logged off, crashed): nothing more will come for its recording.
   */
  void connectionClosed() {
    List<CompletableFuture<IpcMessage.Ack>> waiting = new ArrayList<>(acks.values());
    acks.clear();
    Capture c;
    synchronized (lock) {
      c = current;
      current = null;
    }
    waiting.forEach(f -> f.completeExceptionally(new IOException("capture process disconnected")));
    if (c == null) {
      return;
    }
    segments.end(c.id);
    // segments committed so far stay in the spool and are uploaded; without its final segment the
    // server
    // treats the recording like one whose client vanished
    log.warn(
        "agent {}: capture process ended while recording {} ({} segments spooled)",
        agent,
        c.id,
        segments.nextIndex());
    if (c.stopping != null) {
      c.stopping.completeExceptionally(new IOException("the session's capture process ended"));
    } else {
      endedByItself.accept(c.id, Optional.empty());
    }
  }

  /** What a command came to: the capture process's ACK, or why there is none. */
  private record Answer(IpcMessage.Ack ack, Optional<String> refusal) {}

  private CompletableFuture<Answer> command(long seq, IpcMessage message, Duration timeout) {
    CompletableFuture<IpcMessage.Ack> ack = new CompletableFuture<>();
    acks.put(seq, ack);
    try {
      link.send(message);
    } catch (IOException e) {
      ack.completeExceptionally(e);
    }
    return ack.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (a, e) -> {
              acks.remove(seq);
              if (e == null) {
                return new Answer(a, Optional.empty());
              }
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              return new Answer(
                  null,
                  Optional.of(
                      cause instanceof TimeoutException
                          ? "the session's capture process did not answer within "
                              + timeout.toSeconds()
                              + " s"
                          : "the session's capture process is gone: " + cause.getMessage()));
            });
  }

  /** Drops {@code c} if it is still the current capture; returns its stop under way, if any. */
  private CompletableFuture<Optional<RecordingSummary>> forget(Capture c) {
    CompletableFuture<Optional<RecordingSummary>> stopping;
    synchronized (lock) {
      if (current == c) {
        current = null;
      }
      stopping = c.stopping;
    }
    segments.end(c.id);
    return stopping;
  }
}
