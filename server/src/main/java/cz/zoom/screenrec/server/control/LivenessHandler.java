package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.Configure;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Pause;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.protocol.Resume;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The part of a control connection that must never wait for the database, on the connection's I/O
 * thread ahead of {@link AgentSessionHandler}: answers each HEARTBEAT at once, hands each ACK to
 * the command waiting for it, keeps the hello deadline, and bounds what one connection may cost. A
 * client whose HELLO waits for a slow database, or shares the business threads with such a one,
 * still hears its heartbeat answers within the dead-peer timeout and keeps its session, and a call
 * start waiting for its client's ACK does not wait for the business threads too.
 *
 * <p>Heartbeats are answered once WELCOME has gone out (seen here on its way to the socket, so
 * before the client can have it) and still passed on, for the session's clock offset. A HEARTBEAT
 * after HELLO but before WELCOME breaks the protocol; before HELLO the session handler refuses it
 * as it refuses anything but HELLO. Refusals are left to the session handler, as exceptions.
 *
 * <p>What a connection costs is bounded twice: more than {@link
 * Limits#MAX_MESSAGES_PER_HEARTBEAT_INTERVAL} messages in a heartbeat interval (a second at least),
 * beyond two for each command the server sent it in that interval or the one before, close it, and
 * while its outbound buffer is above the high water mark (a peer that sends but does not read)
 * nothing more is read from it, so it cannot make the server queue answers without end; silent for
 * the dead-peer timeout, it is closed by the idle detection ahead of this handler.
 */
final class LivenessHandler extends ChannelDuplexHandler {
  private final Duration helloTimeout;
  private final long rateWindowNanos;
  private boolean helloSeen;
  private boolean welcomed;
  private boolean refused;
  private ScheduledFuture<?> helloDeadline;
  private long windowStart;
  private int inWindow;
  private int commandsThisWindow;
  private int commandsLastWindow;

  LivenessHandler(Duration helloTimeout, Duration heartbeatInterval) {
    this.helloTimeout = helloTimeout;
    // a second at least, so a short test interval does not squeeze a burst of ACKs into a few ms
    this.rateWindowNanos = Math.max(heartbeatInterval.toNanos(), TimeUnit.SECONDS.toNanos(1));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    windowStart = System.nanoTime();
    helloDeadline =
        ctx.executor()
            .schedule(
                () -> {
                  if (!helloSeen) {
                    ctx.fireExceptionCaught(
                        new ProtocolException(
                            ErrorCode.TIMEOUT,
                            "no HELLO within " + helloTimeout.toMillis() + " ms"));
                  }
                },
                helloTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused || tooFast()) {
      ReferenceCountUtil.release(msg);
      if (!refused) {
        refused = true;
        ctx.fireExceptionCaught(
            new ProtocolException(
                ErrorCode.RATE_LIMITED,
                "more than "
                    + Limits.MAX_MESSAGES_PER_HEARTBEAT_INTERVAL
                    + " messages in "
                    + TimeUnit.NANOSECONDS.toMillis(rateWindowNanos)
                    + " ms"));
      }
      return;
    }
    if (msg instanceof Hello && !helloSeen) {
      helloSeen = true;
      helloDeadline.cancel(false);
    } else if (msg instanceof Heartbeat hb && helloSeen) {
      if (!welcomed) {
        ctx.fireExceptionCaught(
            new ProtocolException(
                ErrorCode.UNEXPECTED_MESSAGE,
                "HEARTBEAT before WELCOME: wait for WELCOME after HELLO"));
        return;
      }
      ctx.writeAndFlush(new HeartbeatAck(hb.seq(), hb.clientTime(), System.currentTimeMillis()));
    } else if (msg instanceof Ack ack && welcomed) {
      // commands go out only after WELCOME, so an ACK before it answers none and is refused there
      AgentSession session = ctx.channel().attr(AgentSession.KEY).get();
      if (session != null) {
        session.acknowledged(ack);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private boolean tooFast() {
    long now = System.nanoTime();
    if (now - windowStart >= rateWindowNanos) {
      windowStart = now;
      inWindow = 0;
      commandsLastWindow = commandsThisWindow;
      commandsThisWindow = 0;
    }
    // each command may be answered by an ACK and end in a RECORDING_STOPPED, in this window or the
    // next: a call centre's API driving calls fast is no flood
    int answers = 2 * (commandsThisWindow + commandsLastWindow);
    return ++inWindow > Limits.MAX_MESSAGES_PER_HEARTBEAT_INTERVAL + answers;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Welcome) {
      welcomed = true;
    } else if (msg instanceof Start
        || msg instanceof Stop
        || msg instanceof Pause
        || msg instanceof Resume
        || msg instanceof Configure) {
      commandsThisWindow++;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (helloDeadline != null) {
      helloDeadline.cancel(false);
    }
    ctx.fireChannelInactive();
  }
}
