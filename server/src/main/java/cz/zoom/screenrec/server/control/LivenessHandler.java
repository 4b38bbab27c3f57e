package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.protocol.Welcome;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The part of a control connection that must never wait for the database, on the connection's I/O
 * thread ahead of {@link AgentSessionHandler}: answers each HEARTBEAT at once and keeps the hello
 * deadline. A client whose HELLO waits for a slow database, or shares the business threads with
 * such a one, still hears its heartbeat answers within the dead-peer timeout and keeps its session.
 *
 * <p>Heartbeats are answered once WELCOME has gone out (seen here on its way to the socket, so
 * before the client can have it) and still passed on, for the session's clock offset. A HEARTBEAT
 * after HELLO but before WELCOME breaks the protocol; before HELLO the session handler refuses it
 * as it refuses anything but HELLO. Refusals are left to the session handler, as exceptions.
 */
final class LivenessHandler extends ChannelDuplexHandler {
  private final Duration helloTimeout;
  private boolean helloSeen;
  private boolean welcomed;
  private ScheduledFuture<?> helloDeadline;

  LivenessHandler(Duration helloTimeout) {
    this.helloTimeout = helloTimeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
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
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Welcome) {
      welcomed = true;
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
