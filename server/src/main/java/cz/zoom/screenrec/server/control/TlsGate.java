package cz.zoom.screenrec.server.control;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control port's first handler. A client that starts a TLS handshake goes on to it; one that
 * speaks in clear (a Capture Client of protocol version 1) is answered in clear with the one frame
 * every version can read, {@code ERROR UNSUPPORTED_VERSION} saying what to do, and closed: it logs
 * why instead of hanging in a handshake it never started.
 */
final class TlsGate extends ByteToMessageDecoder {
  /** A TLS record of type handshake; a v1 frame starts with a length far below 0x16000000. */
  private static final int TLS_HANDSHAKE = 0x16;

  /** A TLS record at its largest, with its header: a ClientHello fits in one. */
  private static final int MAX_WAITING_BYTES = 16 * 1024 + 5;

  static final String PLAINTEXT_REFUSAL =
      "{\"type\":\"ERROR\",\"code\":\"UNSUPPORTED_VERSION\",\"message\":\"this server speaks the"
          + " control protocol version 2, over TLS with an enrolled desktop's certificate: upgrade"
          + " the Capture Client and enroll the desktop (--enroll)\"}";

  private final SslContext tls;
  private final Duration handshakeTimeout;
  private final HandshakeSlots slots;
  private boolean refused;
  private boolean holdsSlot;
  private boolean waitingForSlot;

  TlsGate(SslContext tls, Duration handshakeTimeout, HandshakeSlots slots) {
    this.tls = tls;
    this.handshakeTimeout = handshakeTimeout;
    this.slots = slots;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (waitingForSlot) {
      slots.forget(ctx.channel());
    }
    release(ctx);
    super.channelInactive(ctx);
  }

  private void release(ChannelHandlerContext ctx) {
    if (holdsSlot) {
      holdsSlot = false;
      slots.leave(ctx.channel());
    }
  }

  /** Its turn came: go on with the bytes it sent while it waited. */
  private void admitted(ChannelHandlerContext ctx) {
    waitingForSlot = false;
    holdsSlot = true;
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (waitingForSlot && in.readableBytes() > MAX_WAITING_BYTES) {
      ctx.close(); // more than any ClientHello: not a client waiting for its turn
      return;
    }
    if (!in.isReadable() || waitingForSlot) {
      return;
    }
    if (!holdsSlot) {
      // a slot for whoever has started to speak; what it sent waits here until its turn
      if (!slots.enter(ctx.channel(), () -> admitted(ctx))) {
        waitingForSlot = true;
        return;
      }
      holdsSlot = true;
    }
    if (in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE) {
      SslHandler ssl = tls.newHandler(ctx.alloc());
      ssl.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
      holdsSlot = false;
      ssl.handshakeFuture().addListener(done -> slots.leave(ctx.channel()));
      // what was read so far goes on to the handshake when this handler leaves
      ctx.pipeline().replace(this, "tls", ssl);
      return;
    }
    refused = true;
    release(ctx);
    in.skipBytes(in.readableBytes());
    byte[] json = PLAINTEXT_REFUSAL.getBytes(StandardCharsets.UTF_8);
    ByteBuffer frame = ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).flip();
    ctx.writeAndFlush(ctx.alloc().buffer(frame.remaining()).writeBytes(frame))
        .addListener(ChannelFutureListener.CLOSE);
    // a client that does not read would hold the answer, and the connection, for ever
    ctx.channel().eventLoop().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
  }
}
