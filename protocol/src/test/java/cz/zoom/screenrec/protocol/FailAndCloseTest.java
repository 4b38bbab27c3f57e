package cz.zoom.screenrec.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.NonStickyEventExecutorGroup;
import io.netty.util.concurrent.UnorderedThreadPoolEventExecutor;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * ERROR-and-close from a handler on a business executor (as the server's session handler runs): a
 * peer that reads nothing cannot keep the connection, which closes two seconds later anyway.
 */
class FailAndCloseTest {
  @Test
  void aPeerThatReadsNothingIsClosedWithinSecondsFromABusinessExecutor() throws Exception {
    EventLoopGroup loop = new NioEventLoopGroup(1);
    EventExecutorGroup business =
        new NonStickyEventExecutorGroup(
            new UnorderedThreadPoolEventExecutor(1, new DefaultThreadFactory("business")));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    try {
      Channel server =
          new ServerBootstrap()
              .group(loop)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ControlCodec.install(ch.pipeline());
                      ch.pipeline()
                          .addLast(
                              business,
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                  ctx.channel().closeFuture().addListener(f -> closed.countDown());
                                  // more than the socket buffers hold, so ERROR waits behind it
                                  ctx.channel()
                                      .writeAndFlush(Unpooled.wrappedBuffer(new byte[32 << 20]));
                                  try {
                                    ControlCodec.failAndClose(
                                        ctx, ErrorCode.TIMEOUT, "nothing received");
                                  } catch (RuntimeException e) {
                                    failure.set(e);
                                  }
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (Socket peer = new Socket("127.0.0.1", port)) {
        peer.setReceiveBufferSize(4096);
        // the peer never reads: only the two-second guard can close the connection
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("closed by the server").isTrue();
        assertThat(failure.get()).isNull();
      }
      server.close().sync();
    } finally {
      loop.shutdownGracefully().sync();
      business.shutdownGracefully().sync();
    }
  }
}
