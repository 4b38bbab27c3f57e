package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.ClientIdentity;
import cz.zoom.screenrec.client.control.ControlClient;
import cz.zoom.screenrec.client.control.FailbackPolicy;
import cz.zoom.screenrec.client.ownership.RecordingOwnership;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.service.ipc.IpcConnection;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in session: its capture process on the IPC side, a control connection to the servers
 * for its agent on the other. The session lives as long as the IPC connection; when the capture
 * process goes (logout, crash), the agent's control connection closes with it, as when a desktop's
 * client exits.
 */
final class CaptureSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CaptureSession.class);

  private final IpcConnection ipc;
  private final Spool spool;
  private final IpcMessage.Hello hello;
  private final String agent;
  private final SegmentReceiver segments;
  private final IpcCapture capture;
  private final RecordingOwnership recordings;
  private final ControlClient control;
  private final HostUploadBudget budget;
  private volatile boolean closed;

  CaptureSession(
      IpcConnection ipc, IpcMessage.Hello hello, String agent, CaptureService.Context ctx) {
    this.ipc = ipc;
    this.spool = ctx.spool();
    this.hello = hello;
    this.agent = agent;
    this.segments = new SegmentReceiver(agent, ctx.spool());
    this.capture = new IpcCapture(agent, ipc::send, segments, ctx.answerTimeout());
    this.recordings = RecordingOwnership.forSession(agent, capture, ctx.spool(), ctx.orphanBound());
    ClientIdentity identity =
        new ClientIdentity(agent, ctx.machine() + displaySuffix(hello.display()), ctx.version());
    this.control =
        new ControlClient(
            identity,
            ctx.hosts(),
            ctx.reconnectPolicy(),
            recordings,
            hello::screens,
            ctx.connectTimeout(),
            ctx.helloTimeout(),
            FailbackPolicy.WHEN_IDLE,
            Duration.ofSeconds(30),
            ctx.tls());
    recordings.reportTo(control::sendIfConnected);
    this.budget = ctx.budget();
    recordings.settingsTo(s -> budget.set(this, s.maxKbps()));
  }

  String agent() {
    return agent;
  }

  IpcMessage.Hello hello() {
    return hello;
  }

  /**
   * Welcomes the capture process, connects for its agent, and serves the capture process until it
   * goes.
   */
  /** Tells the capture process whether the spool has room (it pauses capture while not). */
  void spoolRoom(boolean room) {
    // before WELCOME the capture process would take it for a protocol error
    if (welcomed) {
      sendQuietly(new IpcMessage.SpoolRoom(room));
    }
  }

  private volatile boolean welcomed;

  void run() {
    try {
      ipc.send(new IpcMessage.Welcome(agent));
      welcomed = true;
      if (!spool.hasRoom()) {
        ipc.send(new IpcMessage.SpoolRoom(false));
      }
      control.start();
      while (!closed) {
        dispatch(ipc.read());
      }
    } catch (IpcProtocolException e) {
      log.warn(
          "agent {}: capture process (login {}, pid {}) sent bad input: {} {}; closing",
          agent,
          hello.login(),
          hello.pid(),
          e.code(),
          e.getMessage());
      sendQuietly(new IpcMessage.Error(e.code(), e.getMessage()));
    } catch (EOFException | ClosedChannelException e) {
      if (!closed) {
        log.info(
            "agent {}: capture process (login {}, display {}, pid {}) disconnected",
            agent,
            hello.login(),
            hello.display(),
            hello.pid());
      }
    } catch (IOException e) {
      if (!closed) {
        log.warn("agent {}: connection to the capture process failed: {}", agent, e.toString());
      }
    } finally {
      close();
    }
  }

  private void dispatch(IpcMessage m) throws IOException {
    if (m instanceof IpcMessage.SegmentData d) {
      segments.onData(d);
    } else if (m instanceof IpcMessage.SegmentOpen o) {
      segments.onOpen(o);
    } else if (m instanceof IpcMessage.SegmentCommit c) {
      ipc.send(segments.onCommit(c));
    } else if (m instanceof IpcMessage.SegmentAbort a) {
      segments.onAbort(a);
    } else if (m instanceof IpcMessage.Ack a) {
      capture.onAck(a);
    } else if (m instanceof IpcMessage.Stopped s) {
      capture.onStopped(s);
    } else if (m instanceof IpcMessage.Error e) {
      log.warn("agent {}: capture process sent ERROR {}: {}", agent, e.code(), e.message());
      closed = true;
    } else {
      throw new IpcProtocolException(
          "UNEXPECTED_MESSAGE",
          m.getClass().getSimpleName().toUpperCase() + " is not sent by a capture process");
    }
  }

  /**
   * Ends the session from the service's side (service shutdown, or a newer session of the same
   * agent).
   */
  void end(String code, String message) {
    if (!closed) {
      sendQuietly(new IpcMessage.Error(code, message));
    }
    close();
  }

  @Override
  public void close() {
    if (closed && !ipc.channel().isOpen()) {
      return;
    }
    closed = true;
    ipc.close();
    capture.connectionClosed();
    control.close();
    recordings.close();
    budget.remove(this);
  }

  private void sendQuietly(IpcMessage m) {
    try {
      ipc.send(m);
    } catch (IOException e) {
      // the peer is gone already
    }
  }

  private static String displaySuffix(String display) {
    return display == null || display.isBlank()
        ? ""
        : display.startsWith(":") ? display : " " + display;
  }
}
