package cz.zoom.screenrec.client.control;

import cz.zoom.screenrec.client.ClientIdentity;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.Configure;
import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Pause;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.protocol.Resume;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One control connection from the client's side: CONNECTING → HELLO_SENT (HELLO written on connect)
 * → ACTIVE (WELCOME received; heartbeats run, commands are carried out) → CLOSED. Anything the
 * server sends out of turn or malformed gets ERROR and a close, never an exception out of the
 * pipeline; the {@link ControlClient} then reconnects.
 *
 * <p>A <em>probe</em> connection (fail-back to a host earlier in the list) says the same HELLO
 * except that it never reports a recording in progress: it is only made while the client is idle,
 * and a server must not adopt a recording another server controls. At WELCOME the owner decides
 * whether the client moves to it; if not, the connection is closed without a word.
 */
final class ControlSessionHandler extends SimpleChannelInboundHandler<ControlMessage> {
  private static final Logger log = LoggerFactory.getLogger(ControlSessionHandler.class);
  static final String IDLE_HANDLER = "idle";

  /** The {@link ControlClient} side: whether a welcomed connection becomes the client's session. */
  interface Owner {
    /** Called on the event loop when WELCOME arrives; false closes this connection quietly. */
    boolean welcomed(ControlSessionHandler handler, Welcome welcome);
  }

  private final ClientIdentity identity;
  private final Supplier<List<Screen>> screens;
  private final RecordingControl recordings;
  private final Owner owner;
  private final int hostIndex;
  private final boolean probe;
  private volatile ErrorCode errorReceived;
  private volatile String closeReason;
  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private volatile ClockEstimate clock = ClockEstimate.NONE;
  private volatile Welcome welcome;
  private ScheduledFuture<?> heartbeats;
  private long heartbeatSeq;
  private long lastHeartbeatSentAt;
  private volatile long welcomedAt;

  /**
   * @param hostIndex position of this server in the host list, sent in HELLO
   * @param probe a fail-back probe: HELLO without the recording in progress
   */
  ControlSessionHandler(
      ClientIdentity identity,
      Supplier<List<Screen>> screens,
      RecordingControl recordings,
      Owner owner,
      int hostIndex,
      boolean probe) {
    this.identity = identity;
    this.screens = screens;
    this.recordings = recordings;
    this.owner = owner;
    this.hostIndex = hostIndex;
    this.probe = probe;
  }

  int hostIndex() {
    return hostIndex;
  }

  /** The WELCOME of this connection, or null before it. */
  Welcome welcome() {
    return welcome;
  }

  /**
   * Why this connection ended, as far as the client saw it; null when the server simply closed it.
   */
  String closeReason() {
    return closeReason;
  }

  /** The ERROR code the server ended this connection with, or null. */
  ErrorCode errorReceived() {
    return errorReceived;
  }

  ConnectionState state() {
    return state;
  }

  ClockEstimate clock() {
    return clock;
  }

  /** Client time the WELCOME arrived, 0 if it never did. */
  long welcomedAt() {
    return welcomedAt;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // the pending recordings are read from the spool: HELLO goes out when they are, from the event
    // loop
    recordings
        .helloRecordings()
        .whenComplete((r, e) -> ctx.executor().execute(() -> sayHello(ctx, r, e)));
  }

  private void sayHello(
      ChannelHandlerContext ctx, RecordingControl.HelloRecordings recorded, Throwable error) {
    if (state != ConnectionState.CONNECTING || !ctx.channel().isActive()) {
      return;
    }
    if (probe && !recordings.idle()) {
      log.info("not probing {}: a recording started meanwhile", ctx.channel().remoteAddress());
      state = ConnectionState.CLOSED;
      ctx.close();
      return;
    }
    if (error != null) {
      log.error("cannot tell {} of the recordings in hand", ctx.channel().remoteAddress(), error);
      recorded = new RecordingControl.HelloRecordings(null, List.of());
    }
    // a probe never reports a recording in progress: another server controls it
    ActiveRecording active = probe ? null : recorded.active();
    Hello hello =
        new Hello(
            Limits.PROTOCOL_VERSION,
            identity.agent(),
            identity.machine(),
            identity.clientVersion(),
            screens.get(),
            active,
            System.currentTimeMillis(),
            hostIndex,
            recorded.pending(),
            identity.agentToken());
    if (hello.activeRecording() != null) {
      log.info(
          "reporting recording {} in progress to {}",
          hello.activeRecording().recordingId(),
          ctx.channel().remoteAddress());
    }
    if (!hello.pendingRecordings().isEmpty()) {
      log.info(
          "offering {} recording(s) whose segments wait in the spool to {}: {}",
          hello.pendingRecordings().size(),
          ctx.channel().remoteAddress(),
          hello.pendingRecordings().stream().map(p -> p.recordingId()).toList());
    }
    ctx.writeAndFlush(hello);
    state = ConnectionState.HELLO_SENT;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ControlMessage message) {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    if (message instanceof ErrorMessage error) {
      onError(ctx, error);
    } else if (state == ConnectionState.CONNECTING) {
      unexpected(ctx, message, "nothing before HELLO");
    } else if (state == ConnectionState.HELLO_SENT) {
      if (message instanceof Welcome w) {
        onWelcome(ctx, w);
      } else {
        unexpected(ctx, message, "WELCOME");
      }
    } else if (message instanceof HeartbeatAck ack) {
      onHeartbeatAck(ack);
    } else if (message instanceof Start start) {
      onStart(ctx, start);
    } else if (message instanceof Stop stop) {
      onStop(ctx, stop);
    } else if (message instanceof Pause pause) {
      ctx.writeAndFlush(
          new Ack(
              pause.seq(), false, "not supported in protocol version " + Limits.PROTOCOL_VERSION));
    } else if (message instanceof Resume resume) {
      ctx.writeAndFlush(
          new Ack(
              resume.seq(), false, "not supported in protocol version " + Limits.PROTOCOL_VERSION));
    } else if (message instanceof Configure configure) {
      onConfigure(ctx, configure);
    } else {
      unexpected(ctx, message, "a command");
    }
  }

  private void onWelcome(ChannelHandlerContext ctx, Welcome w) {
    welcome = w;
    if (!owner.welcomed(this, w)) {
      state = ConnectionState.CLOSED;
      ctx.close();
      return;
    }
    welcomedAt = System.currentTimeMillis();
    state = ConnectionState.ACTIVE;
    ctx.pipeline()
        .replace(
            IDLE_HANDLER,
            IDLE_HANDLER,
            new IdleStateHandler(w.deadPeerTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS));
    heartbeats =
        ctx.executor()
            .scheduleAtFixedRate(
                () -> sendHeartbeat(ctx),
                w.heartbeatIntervalMs(),
                w.heartbeatIntervalMs(),
                TimeUnit.MILLISECONDS);
    log.info(
        "connected to {} (cluster {}, session {}): heartbeat every {} ms, dead after {} ms, upload to {}",
        ctx.channel().remoteAddress(),
        w.clusterId(),
        w.sessionId(),
        w.heartbeatIntervalMs(),
        w.deadPeerTimeoutMs(),
        w.uploadUrl());
  }

  private void sendHeartbeat(ChannelHandlerContext ctx) {
    lastHeartbeatSentAt = System.currentTimeMillis();
    ClockEstimate c = clock;
    ctx.writeAndFlush(
        new Heartbeat(++heartbeatSeq, lastHeartbeatSentAt, c.offsetMs(), c.roundTripMs()));
  }

  private void onHeartbeatAck(HeartbeatAck ack) {
    // only the answer to the latest heartbeat: it carries a client time this client really sent
    if (ack.seq() != heartbeatSeq || ack.clientTime() != lastHeartbeatSentAt) {
      log.debug("ignoring HEARTBEAT_ACK {} (latest heartbeat is {})", ack.seq(), heartbeatSeq);
      return;
    }
    clock = ClockEstimate.of(ack.clientTime(), ack.serverTime(), System.currentTimeMillis());
  }

  private void onStart(ChannelHandlerContext ctx, Start start) {
    log.info("START {} for call {} (seq {})", start.recordingId(), start.callId(), start.seq());
    recordings
        .start(start)
        .whenComplete(
            (refusal, e) -> {
              String why = e != null ? "internal error: " + e : refusal.orElse(null);
              if (why != null) {
                log.warn("refusing START {}: {}", start.recordingId(), why);
              }
              ctx.writeAndFlush(new Ack(start.seq(), why == null, why));
            });
  }

  private void onConfigure(ChannelHandlerContext ctx, Configure configure) {
    log.info("CONFIGURE {} (seq {})", configure.capture(), configure.seq());
    recordings
        .configure(configure.capture())
        .whenComplete(
            (refusal, e) -> {
              if (e != null) {
                log.error("CONFIGURE failed", e);
              }
              String why = e != null ? "internal error: " + e : refusal.orElse(null);
              if (why != null) {
                log.warn("refusing CONFIGURE: {}", why);
              }
              ctx.writeAndFlush(new Ack(configure.seq(), why == null, why));
            });
  }

  private void onStop(ChannelHandlerContext ctx, Stop stop) {
    log.info("STOP {} (seq {})", stop.recordingId(), stop.seq());
    // STOP is idempotent: an unknown or finished recording is acknowledged all the same
    ctx.writeAndFlush(new Ack(stop.seq(), true, null));
    recordings
        .stop(stop.recordingId())
        .whenComplete(
            (stopped, e) -> {
              if (e != null) {
                log.error("recording {} could not be finished", stop.recordingId(), e);
              } else if (stopped.isPresent()) {
                if (ctx.channel().isActive()) {
                  ctx.writeAndFlush(stopped.get());
                } else {
                  log.warn(
                      "connection closed before RECORDING_STOPPED {} could be sent; its final segment tells the"
                          + " upload server",
                      stop.recordingId());
                }
              }
            });
  }

  private void onError(ChannelHandlerContext ctx, ErrorMessage error) {
    state = ConnectionState.CLOSED;
    errorReceived = error.code() == null ? ErrorCode.INTERNAL : error.code();
    closeReason = "ERROR " + errorReceived + " from the server";
    if (errorReceived == ErrorCode.AGENT_CONNECTED) {
      log.warn(
          "server {} holds a live session of agent {} on another connection (this client's previous one "
              + "not yet seen closed, or a second client with this agent name): {}",
          ctx.channel().remoteAddress(),
          identity.agent(),
          error.message());
    } else {
      log.warn(
          "server {} sent ERROR {}: {}",
          ctx.channel().remoteAddress(),
          error.code(),
          error.message());
    }
    ctx.close();
  }

  private void unexpected(ChannelHandlerContext ctx, ControlMessage message, String expected) {
    String type = message.getClass().getSimpleName();
    log.warn(
        "server {} sent {} while {} was expected; closing",
        ctx.channel().remoteAddress(),
        type,
        expected);
    fail(ctx, ErrorCode.UNEXPECTED_MESSAGE, type + " is not expected in state " + state);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      log.warn(
          "server {} silent for too long in state {}; closing",
          ctx.channel().remoteAddress(),
          state);
      fail(
          ctx,
          ErrorCode.TIMEOUT,
          state == ConnectionState.ACTIVE ? "no heartbeat answer" : "no WELCOME");
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    if (cause instanceof IOException) {
      log.info("connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      closeReason = cause.toString();
      state = ConnectionState.CLOSED;
      ctx.close();
      return;
    }
    ProtocolException pe = ControlCodec.classify(cause);
    if (pe.code() == ErrorCode.INTERNAL) {
      log.error(
          "control connection to {} failed inside the client",
          ctx.channel().remoteAddress(),
          cause);
    } else {
      log.warn(
          "server {} sent bad input ({}: {}); closing",
          ctx.channel().remoteAddress(),
          pe.code(),
          pe.getMessage());
    }
    fail(ctx, pe.code(), pe.getMessage());
  }

  private void fail(ChannelHandlerContext ctx, ErrorCode code, String message) {
    closeReason = "client sent ERROR " + code + ": " + message;
    state = ConnectionState.CLOSED;
    ControlCodec.failAndClose(ctx, code, message);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = ConnectionState.CLOSED;
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    ctx.fireChannelInactive();
  }
}
