package cz.zoom.screenrec.client.control;

import cz.zoom.screenrec.client.ClientIdentity;
import cz.zoom.screenrec.client.ServerAddress;
import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.Screen;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one control connection to the first server of the host list that answers. Each round
 * tries the hosts in list order (the first is the primary); when a whole round fails, or a session
 * ends early, the next round waits as the {@link ReconnectPolicy} says. All connection handling
 * runs on one daemon event-loop thread.
 */
public final class ControlClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlClient.class);

  private final ClientIdentity identity;
  private final List<ServerAddress> hosts;
  private final ReconnectPolicy policy;
  private final RecordingControl recordings;
  private final Supplier<List<Screen>> screens;
  private final Duration helloTimeout;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final List<String> roundFailures = new ArrayList<>();
  private volatile Session current;
  private volatile boolean closed;
  private int nextHost;

  /** The live connection, once its TCP connect succeeded. */
  private record Session(Channel channel, ServerAddress server, ControlSessionHandler handler) {}

  public ControlClient(ClientIdentity identity, List<ServerAddress> hosts, ReconnectPolicy policy,
      RecordingControl recordings, Supplier<List<Screen>> screens, Duration connectTimeout, Duration helloTimeout) {
    this.identity = identity;
    this.hosts = List.copyOf(hosts);
    this.policy = policy;
    this.recordings = recordings;
    this.screens = screens;
    this.helloTimeout = helloTimeout;
    this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("control", true));
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true);
  }

  /** Starts connecting; returns at once. */
  public void start() {
    log.info("agent {} on {}: connecting to {}", identity.agent(), identity.machine(), hosts);
    group.execute(this::startRound);
  }

  public ConnectionState state() {
    Session s = current;
    return s == null ? ConnectionState.CONNECTING : s.handler().state();
  }

  /** The server this client is connected to, once it got a session there. */
  public Optional<ServerAddress> server() {
    Session s = current;
    return s != null && s.handler().state() == ConnectionState.ACTIVE ? Optional.of(s.server()) : Optional.empty();
  }

  public ClockEstimate clock() {
    Session s = current;
    return s == null ? ClockEstimate.NONE : s.handler().clock();
  }

  /** Sends on the active session if there is one; false when there is none. */
  public boolean sendIfConnected(ControlMessage message) {
    Session s = current;
    if (s == null || s.handler().state() != ConnectionState.ACTIVE) {
      return false;
    }
    s.channel().writeAndFlush(message);
    return true;
  }

  @Override
  public void close() {
    closed = true;
    Session s = current;
    if (s != null) {
      s.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  private void startRound() {
    nextHost = 0;
    roundFailures.clear();
    tryNextHost();
  }

  private void tryNextHost() {
    if (closed) {
      return;
    }
    if (nextHost >= hosts.size()) {
      Duration wait = policy.afterFailedRound();
      log.warn("no server reachable ({}); next round in {} ms", String.join(", ", roundFailures), wait.toMillis());
      schedule(this::startRound, wait);
      return;
    }
    ServerAddress server = hosts.get(nextHost++);
    ControlSessionHandler handler = new ControlSessionHandler(identity, screens, recordings);
    ChannelFuture connect = bootstrap.clone()
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            // until WELCOME says otherwise, a server that does not answer HELLO is dead
            ch.pipeline().addLast(ControlSessionHandler.IDLE_HANDLER,
                new IdleStateHandler(helloTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            ControlCodec.install(ch.pipeline());
            ch.pipeline().addLast("session", handler);
          }
        })
        .connect(server.host(), server.port());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        Throwable cause = f.cause();
        log.debug("cannot connect to {}: {}", server, cause == null ? "cancelled" : cause.toString());
        roundFailures.add(server + ": " + (cause == null ? "cancelled" : cause.getMessage()));
        tryNextHost();
        return;
      }
      Channel channel = connect.channel();
      Session session = new Session(channel, server, handler);
      current = session;
      channel.closeFuture().addListener(c -> disconnected(session));
      if (closed) {
        channel.close();
      }
    });
  }

  private void disconnected(Session session) {
    long welcomedAt = session.handler().welcomedAt();
    if (current == session) {
      current = null;
    }
    recordings.sessionLost();
    if (closed) {
      return;
    }
    Duration uptime = welcomedAt == 0 ? Duration.ZERO : Duration.ofMillis(System.currentTimeMillis() - welcomedAt);
    Duration wait = policy.afterDisconnect(uptime, session.handler().replaced());
    log.info("disconnected from {} after {} s; reconnecting in {} ms", session.server(), uptime.toSeconds(),
        wait.toMillis());
    schedule(this::startRound, wait);
  }

  private void schedule(Runnable task, Duration delay) {
    if (closed) {
      return;
    }
    if (delay.isZero()) {
      group.execute(task);
    } else {
      group.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
