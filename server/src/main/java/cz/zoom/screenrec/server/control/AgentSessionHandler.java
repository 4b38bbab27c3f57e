package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.UUID;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one control connection: AWAITING_HELLO → ACTIVE → CLOSED. Runs on a business
 * executor, so the listener may touch the database; heartbeats are answered and the hello deadline
 * kept by {@link LivenessHandler} on the I/O thread.
 */
final class AgentSessionHandler extends SimpleChannelInboundHandler<ControlMessage> {
  private static final Logger log = LoggerFactory.getLogger(AgentSessionHandler.class);

  private enum State {
    AWAITING_HELLO,
    ACTIVE,
    CLOSED
  }

  private final ServerConfig config;
  private final AgentRegistry registry;
  private final SessionListener listener;
  private final MeterRegistry metrics;
  private final DesktopCheck desktops;
  private State state = State.AWAITING_HELLO;
  private AgentSession session;

  AgentSessionHandler(
      ServerConfig config,
      AgentRegistry registry,
      SessionListener listener,
      MeterRegistry metrics,
      DesktopCheck desktops) {
    this.config = config;
    this.registry = registry;
    this.listener = listener;
    this.metrics = metrics;
    this.desktops = desktops;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ControlMessage message) {
    switch (state) {
      case AWAITING_HELLO -> {
        if (message instanceof Hello hello) {
          welcome(ctx, hello);
        } else {
          reject(ctx, ErrorCode.UNEXPECTED_MESSAGE, "the first message must be HELLO");
        }
      }
      case ACTIVE -> active(ctx, message);
      case CLOSED -> {}
    }
  }

  private void welcome(ChannelHandlerContext ctx, Hello hello) {
    long now = System.currentTimeMillis();
    String desktopId;
    try {
      desktopId = desktop(ctx, hello);
    } catch (ProtocolException e) {
      reject(ctx, e.code(), e.getMessage());
      return;
    }
    AgentSession newcomer =
        new AgentSession(UUID.randomUUID().toString(), hello, ctx.channel(), now, desktopId);
    // the name is taken before anything is decided, so a refused newcomer changes nothing
    if (registry.register(newcomer).isPresent()) {
      reject(
          ctx,
          ErrorCode.AGENT_CONNECTED,
          "agent "
              + hello.agent()
              + " is connected to this server "
              + "from another connection; try again later");
      return;
    }
    session = newcomer;
    state = State.ACTIVE;
    ctx.channel().attr(AgentSession.KEY).set(session);
    // first estimate from the HELLO itself; heartbeats refine it
    SessionListener.Takeover takeover =
        listener.onHello(hello, desktopId, now - hello.clientTime());
    SessionListener.Adoption adoption = takeover.adoption();
    log.info(
        "agent {} connected from {} (machine {}, client {}, {} screen(s), host #{}){}{}",
        hello.agent(),
        ctx.channel().remoteAddress(),
        hello.machine(),
        hello.clientVersion(),
        hello.screens().size(),
        hello.hostIndex() == null ? "?" : hello.hostIndex(),
        adoption == null ? "" : ", adopting recording " + adoption.recordingId(),
        takeover.grants().isEmpty()
            ? ""
            : ", taking " + takeover.grants().size() + " pending upload(s)");
    if (adoption != null) {
      session.recordingId(adoption.recordingId());
    }
    // what the API shows of the session is in place before the client can read WELCOME; commands
    // from other threads queue behind this event-loop task, so they still follow WELCOME
    session.welcomed(true);
    ctx.writeAndFlush(
        new Welcome(
            session.sessionId(),
            config.clusterId(),
            config.heartbeatInterval().toMillis(),
            config.deadPeerTimeout().toMillis(),
            registry.captureFor(hello.agent(), config.capture()),
            config.uploadUrl(),
            adoption == null ? null : adoption.recordingId(),
            adoption == null ? null : adoption.uploadToken(),
            System.currentTimeMillis(),
            takeover.grants()));
    listener.onSessionStarted(session, takeover);
  }

  /** The enrolled desktop behind the connection (null without TLS), once it may claim the agent. */
  private String desktop(ChannelHandlerContext ctx, Hello hello) throws ProtocolException {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return desktops.admit(null, hello);
    }
    Certificate[] peer;
    try {
      peer = ssl.engine().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new ProtocolException(ErrorCode.DESKTOP_REVOKED, "no desktop certificate");
    }
    return desktops.admit((X509Certificate) peer[0], hello);
  }

  private void active(ChannelHandlerContext ctx, ControlMessage message) {
    if (message instanceof Heartbeat hb) {
      session.clock(hb.clockOffsetMs(), hb.roundTripMs());
    } else if (message instanceof Ack ack) {
      session.acknowledged(ack);
    } else if (message instanceof RecordingStopped stopped) {
      listener.onRecordingStopped(session, stopped);
    } else if (message instanceof ErrorMessage error) {
      log.warn("agent {} reported {}: {}; closing", session.agent(), error.code(), error.message());
      ctx.close();
    } else {
      reject(
          ctx,
          ErrorCode.UNEXPECTED_MESSAGE,
          message.getClass().getSimpleName() + " is not expected from a client here");
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      reject(
          ctx,
          ErrorCode.TIMEOUT,
          "nothing received for " + config.deadPeerTimeout().toMillis() + " ms");
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ProtocolException error = ControlCodec.classify(cause);
    Throwable root = cause.getCause() != null ? cause.getCause() : cause;
    if (error.code() == ErrorCode.INTERNAL && root instanceof IOException) {
      // the peer reset the connection, or its TLS was refused: nothing to tell it, nothing broke
      log.info(
          "control connection from {} dropped: {}", ctx.channel().remoteAddress(), root.toString());
      ctx.close();
    } else if (error.code() == ErrorCode.INTERNAL) {
      log.error("control connection from {} failed", ctx.channel().remoteAddress(), cause);
      reject(ctx, ErrorCode.INTERNAL, "internal error");
    } else {
      reject(ctx, error.code(), error.getMessage());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    if (session != null) {
      session.closed();
      boolean current = registry.unregister(session);
      log.info(
          "agent {} disconnected ({})",
          session.agent(),
          current ? "session ended" : "a later session followed it");
      listener.onSessionClosed(session);
    }
    ctx.fireChannelInactive();
  }

  private void reject(ChannelHandlerContext ctx, ErrorCode code, String message) {
    if (state == State.CLOSED) {
      return;
    }
    metrics.counter("screenrec.control.errors", "code", code.name()).increment();
    log.info(
        "closing control connection from {}{}: {} {}",
        ctx.channel().remoteAddress(),
        session == null ? "" : " (agent " + session.agent() + ")",
        code,
        message);
    state = State.CLOSED;
    ControlCodec.failAndClose(ctx, code, message);
  }
}
