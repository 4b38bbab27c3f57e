package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.config.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.NonStickyEventExecutorGroup;
import io.netty.util.concurrent.UnorderedThreadPoolEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control port (7003). Pipeline per connection: idle detection → framing and JSON ({@link
 * ControlCodec}) → {@link LivenessHandler} (heartbeats, hello deadline) on the I/O thread → {@link
 * AgentSessionHandler} on the business executor.
 *
 * <p>The business executor is {@code --control-threads} threads shared by all connections, each
 * connection's messages run in order but on whichever thread is free: a session waiting for the
 * database holds one thread, not every session that happens to share it.
 */
public final class ControlServer implements AutoCloseable {
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final EventExecutorGroup business;
  private final Channel serverChannel;

  /**
   * Enough to keep both I/O threads busy while handshakes wait on round trips; more would only
   * queue inside them, behind the heartbeats of the sessions already in.
   */
  private static final int HANDSHAKES_AT_ONCE = 64;

  /** What one address may hold of them: a site behind one NAT address, or one attacker. */
  private static final int HANDSHAKES_PER_ADDRESS = 16;

  private final HandshakeSlots handshakes =
      new HandshakeSlots(HANDSHAKES_AT_ONCE, HANDSHAKES_PER_ADDRESS);

  public ControlServer(
      ServerConfig config,
      AgentRegistry registry,
      SessionListener listener,
      MeterRegistry metrics,
      SslContext tls,
      DesktopCheck desktops)
      throws InterruptedException {
    long idleMs = config.deadPeerTimeout().toMillis();
    business =
        new NonStickyEventExecutorGroup(
            new UnorderedThreadPoolEventExecutor(
                config.controlThreads(), new DefaultThreadFactory("control-business")));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // far above what a reading client ever has queued; see LivenessHandler
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(Limits.MAX_FRAME_BYTES, 4 * Limits.MAX_FRAME_BYTES))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS));
                    if (tls != null) {
                      ch.pipeline()
                          .addLast("tls", new TlsGate(tls, config.helloTimeout(), handshakes));
                    }
                    ControlCodec.install(ch.pipeline());
                    ch.pipeline()
                        .addLast(
                            "liveness",
                            new LivenessHandler(config.helloTimeout(), config.heartbeatInterval()));
                    ch.pipeline()
                        .addLast(
                            business,
                            "session",
                            new AgentSessionHandler(config, registry, listener, metrics, desktops));
                  }
                });
    try {
      serverChannel = bootstrap.bind(config.bindAddress(), config.controlPort()).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      shutdownGroups();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  public boolean isListening() {
    return serverChannel.isActive();
  }

  /**
   * Whether every I/O thread and the business threads each run a task within {@code within}: a port
   * that accepts but whose threads are stuck serves no agent.
   */
  public boolean threadsAnswerWithin(Duration within) {
    List<Future<?>> probes = new ArrayList<>();
    workers.forEach(loop -> probes.add(loop.submit(() -> {})));
    probes.add(business.submit(() -> {}));
    long deadline = System.nanoTime() + within.toNanos();
    for (Future<?> probe : probes) {
      if (!probe.awaitUninterruptibly(
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    shutdownGroups();
  }

  private void shutdownGroups() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    business.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
