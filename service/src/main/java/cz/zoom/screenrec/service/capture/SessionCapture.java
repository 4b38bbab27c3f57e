package cz.zoom.screenrec.service.capture;

import cz.zoom.screenrec.client.capture.Recorder;
import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.capture.RecordingSummary;
import cz.zoom.screenrec.client.capture.ScreenSource;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.service.ipc.IpcConnection;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture process of one session: connects to the host's service, says which login and display
 * it is, and records its own display when the service says so, streaming the segments to the
 * service. It holds no server connection and no spool. When the service goes away it reconnects (1
 * s doubling to 30 s); a recording in progress then ends, because its segments have nowhere to go.
 */
public final class SessionCapture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionCapture.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Path socket;
  private final String login;
  private final String display;
  private final ScreenSource source;
  private final IpcSegmentSink sink = new IpcSegmentSink(Duration.ofSeconds(30));
  private final Recorder recorder;
  private final Object wait = new Object();
  private volatile IpcConnection ipc;
  private volatile boolean closed;
  private volatile String agent;

  public SessionCapture(Path socket, String login, String display, ScreenSource source) {
    this.socket = socket;
    this.login = login;
    this.display = display;
    this.source = source;
    this.recorder = new Recorder(source, sink);
  }

  /** The agent the service records this session as, once it said so. */
  public Optional<String> agent() {
    return Optional.ofNullable(agent);
  }

  /**
   * Connects and serves the service until {@link #close()}; reconnects when the service goes away.
   */
  public void run() {
    long backoffMs = 1_000;
    while (!closed) {
      long connectedAt = System.currentTimeMillis();
      try (IpcConnection c = IpcConnection.connect(socket)) {
        serve(c);
      } catch (EOFException | ClosedChannelException e) {
        if (!closed) {
          log.warn("the service closed the connection");
        }
      } catch (IOException e) {
        if (!closed) {
          log.warn("no service at {}: {}", socket, e.toString());
        }
      } finally {
        disconnected();
      }
      if (System.currentTimeMillis() - connectedAt > 60_000) {
        backoffMs = 1_000;
      }
      pause(backoffMs);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
    }
  }

  private void serve(IpcConnection c) throws IOException {
    List<Screen> screens =
        source.screens().stream()
            .limit(Limits.MAX_SCREENS)
            .map(s -> new Screen(s.id(), s.x(), s.y(), s.width(), s.height()))
            .toList();
    c.send(
        new IpcMessage.Hello(
            IpcMessage.VERSION, login, display, ProcessHandle.current().pid(), screens));
    IpcMessage first = c.read();
    if (first instanceof IpcMessage.Error e) {
      log.error("the service refused this session: {} {}", e.code(), e.message());
      return;
    }
    if (!(first instanceof IpcMessage.Welcome w)) {
      throw new IOException("the service answered HELLO with " + first.getClass().getSimpleName());
    }
    agent = w.agent();
    ipc = c;
    sink.connection(c);
    log.info(
        "session of {} on display {} is recorded as agent {} (service {})",
        login,
        display,
        agent,
        socket);
    while (!closed) {
      IpcMessage m = c.read();
      if (m instanceof IpcMessage.Committed done) {
        sink.onCommitted(done);
      } else if (m instanceof IpcMessage.SpoolRoom r) {
        sink.room(r.room());
      } else if (m instanceof IpcMessage.Start s) {
        onStart(c, s);
      } else if (m instanceof IpcMessage.Stop s) {
        onStop(c, s);
      } else if (m instanceof IpcMessage.Configure conf) {
        Optional<String> refusal;
        try {
          refusal = recorder.configure(conf.capture()).join();
        } catch (RuntimeException e) {
          refusal = Optional.of("cannot change the capture: " + e);
        }
        sendQuietly(c, new IpcMessage.Ack(conf.seq(), refusal.isEmpty(), refusal.orElse(null)));
      } else if (m instanceof IpcMessage.Error e) {
        log.warn("the service ended this session: {} {}", e.code(), e.message());
        return;
      } else {
        c.send(
            new IpcMessage.Error(
                "UNEXPECTED_MESSAGE", m.getClass().getSimpleName() + " is not sent by a service"));
        return;
      }
    }
  }

  /**
   * Runs off the reader thread: a recording still finishing needs the reader for its final commit.
   */
  private void onStart(IpcConnection c, IpcMessage.Start s) {
    recorder
        .idle()
        .thenRun(
            () -> {
              Optional<String> refusal;
              try {
                refusal =
                    recorder
                        .start(new RecordingSpec(s.recordingId(), s.callId()), s.capture())
                        .join();
              } catch (RuntimeException e) {
                refusal = Optional.of("capture failed to start: " + e);
              }
              refusal.ifPresent(r -> log.warn("refusing recording {}: {}", s.recordingId(), r));
              sendQuietly(c, new IpcMessage.Ack(s.seq(), refusal.isEmpty(), refusal.orElse(null)));
            });
  }

  private void onStop(IpcConnection c, IpcMessage.Stop s) {
    recorder
        .stop(s.recordingId(), s.reason() == null ? "stopped by server" : s.reason())
        .whenComplete(
            (summary, e) -> {
              if (e != null) {
                log.error(
                    "recording {}: the final segment did not reach the service",
                    s.recordingId(),
                    e);
                sendQuietly(
                    c, new IpcMessage.Ack(s.seq(), false, "final segment lost: " + e.getMessage()));
              } else if (summary.isEmpty()) {
                sendQuietly(
                    c, new IpcMessage.Ack(s.seq(), false, "not recording " + s.recordingId()));
              } else {
                sendQuietly(c, stopped(s.seq(), summary.get()));
              }
            });
  }

  private void disconnected() {
    IpcConnection c = ipc;
    ipc = null;
    sink.connection(null);
    agent = null;
    Optional<ActiveRecording> active = recorder.active();
    if (active.isPresent() && c != null) {
      log.warn("service connection lost while recording {}; ending it", active.get().recordingId());
      recorder.stop(active.get().recordingId(), "service connection lost");
    }
  }

  /**
   * Ends a recording in progress, its final segment delivered (the session is logging off), and
   * disconnects. The service reports the recording as ended to its server.
   */
  @Override
  public void close() {
    closed = true;
    IpcConnection c = ipc;
    Optional<ActiveRecording> active = recorder.active();
    if (active.isPresent() && c != null) {
      try {
        recorder
            .stop(active.get().recordingId(), "session logged off")
            .get(15, TimeUnit.SECONDS)
            .ifPresent(summary -> sendQuietly(c, stopped(0, summary)));
      } catch (Exception e) {
        log.warn(
            "recording {} could not be finished cleanly: {}",
            active.get().recordingId(),
            e.toString());
      }
    }
    if (c != null) {
      c.close();
    }
    recorder.close();
    synchronized (wait) {
      wait.notifyAll();
    }
  }

  private void pause(long ms) {
    synchronized (wait) {
      if (closed) {
        return;
      }
      try {
        wait.wait(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  private static IpcMessage.Stopped stopped(long seq, RecordingSummary s) {
    return new IpcMessage.Stopped(
        seq, s.recordingId(), s.segmentCount(), s.startedAt(), s.endedAt(), s.reason());
  }

  private static void sendQuietly(IpcConnection c, IpcMessage m) {
    try {
      c.send(m);
    } catch (IOException e) {
      log.debug("cannot send {}: {}", m.getClass().getSimpleName(), e.toString());
    }
  }
}
