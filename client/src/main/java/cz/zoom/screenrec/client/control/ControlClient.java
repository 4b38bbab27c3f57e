package cz.zoom.screenrec.client.control;

import cz.zoom.screenrec.client.ClientIdentity;
import cz.zoom.screenrec.client.ServerAddress;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Welcome;
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
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one control connection to a server of the host list (the first is the primary). It starts
 * with the primary; when a server fails (refused, no WELCOME, lost or silent session,
 * SHUTTING_DOWN) it goes on to the next host round robin, waiting with the {@link
 * ReconnectPolicy}'s backoff only after a whole round failed ({@link HostRotation}).
 *
 * <p>Fail-back ({@link FailbackPolicy#WHEN_IDLE}): while on a fail-over server, every {@code
 * failbackInterval} it probes the hosts before it in the list, in order, with a real HELLO/WELCOME
 * handshake on a second connection, and only while nothing is being recorded. A bare TCP connect
 * would not do: a stopped or hung server still accepts connections (the kernel does), and leaving a
 * healthy session for it would cost a hello timeout each time. The first host that welcomes the
 * client becomes its server and the old connection is closed; if a recording started while the
 * probe was under way, the probe is closed instead and the client stays.
 *
 * <p>All connection handling runs on one daemon event-loop thread, so a session, a probe and the
 * commands they carry never interleave.
 */
public final class ControlClient implements AutoCloseable, ControlSessionHandler.Owner {
  private static final Logger log = LoggerFactory.getLogger(ControlClient.class);

  private final ClientIdentity identity;
  private final List<ServerAddress> hosts;
  private final ReconnectPolicy policy;
  private final HostRotation rotation;
  private final RecordingControl recordings;
  private final Supplier<List<Screen>> screens;
  private final Duration helloTimeout;
  private final FailbackPolicy failback;
  private final Duration failbackInterval;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final DesktopTls tls;
  private final List<String> roundFailures = new ArrayList<>();

  /** The connection that controls the client, or is being made to do so. */
  private volatile Session current;

  /** A fail-back probe's connection, once connected; event loop only. */
  private Session probe;

  /**
   * The session a fail-back probe under way (connecting or connected) would replace; null when none
   * is.
   */
  private Session probeFor;

  private ScheduledFuture<?> failbackTimer;
  private volatile boolean closed;

  /** One connection, once its TCP connect succeeded. */
  private record Session(
      Channel channel, ServerAddress server, int hostIndex, ControlSessionHandler handler) {}

  /**
   * @param helloTimeout how long a server may take to answer HELLO before it counts as failed
   * @param failbackInterval how often a client on a fail-over server checks the hosts before it
   * @param tls the desktop's credentials, or in clear for a --plaintext lab server
   */
  public ControlClient(
      ClientIdentity identity,
      List<ServerAddress> hosts,
      ReconnectPolicy policy,
      RecordingControl recordings,
      Supplier<List<Screen>> screens,
      Duration connectTimeout,
      Duration helloTimeout,
      FailbackPolicy failback,
      Duration failbackInterval,
      DesktopTls tls) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("need at least one host");
    }
    if (failbackInterval.isNegative() || failbackInterval.isZero()) {
      throw new IllegalArgumentException("failback interval must be positive");
    }
    this.identity = identity;
    this.hosts = List.copyOf(hosts);
    this.policy = policy;
    this.rotation = new HostRotation(this.hosts.size(), policy);
    this.recordings = recordings;
    this.screens = screens;
    this.helloTimeout = helloTimeout;
    this.failback = failback;
    this.failbackInterval = failbackInterval;
    this.tls = tls;
    this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("control", true));
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true);
  }

  /** Starts connecting, to the primary first; returns at once. */
  public void start() {
    log.info(
        "agent {} on {}: connecting to {} (fail-back {})",
        identity.agent(),
        identity.machine(),
        hosts,
        failback.flag());
    group.execute(() -> connect(0, false));
  }

  public ConnectionState state() {
    Session s = current;
    return s == null ? ConnectionState.CONNECTING : s.handler().state();
  }

  /** The server this client is connected to, once it got a session there. */
  public Optional<ServerAddress> server() {
    Session s = current;
    return s != null && s.handler().state() == ConnectionState.ACTIVE
        ? Optional.of(s.server())
        : Optional.empty();
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

  private void connect(int hostIndex, boolean asProbe) {
    if (closed) {
      return;
    }
    ServerAddress server = hosts.get(hostIndex);
    ControlSessionHandler handler =
        new ControlSessionHandler(identity, screens, recordings, this, hostIndex, asProbe);
    ChannelFuture connect =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    // until WELCOME says otherwise, a server that does not answer HELLO is dead
                    ch.pipeline()
                        .addLast(
                            ControlSessionHandler.IDLE_HANDLER,
                            new IdleStateHandler(
                                helloTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                    if (!tls.isPlaintext()) {
                      ch.pipeline()
                          .addLast(
                              "tls", tls.controlHandler(ch.alloc(), server.host(), server.port()));
                    }
                    ControlCodec.install(ch.pipeline());
                    ch.pipeline().addLast("session", handler);
                  }
                })
            .connect(server.host(), server.port());
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = cause == null ? "cancelled" : cause.getMessage();
            if (asProbe) {
              log.debug("fail-back probe: {} still unreachable: {}", server, why);
              probeFailed(hostIndex);
            } else {
              log.debug("cannot connect to {}: {}", server, why);
              roundFailures.add(server + ": " + why);
              next(rotation.connectFailed(hostIndex, false));
            }
            return;
          }
          Channel channel = connect.channel();
          Session session = new Session(channel, server, hostIndex, handler);
          if (asProbe) {
            if (probeFor == null || probeFor != current) {
              // the session it was meant to replace ended meanwhile; the ordinary reconnect takes
              // over
              channel.close();
              return;
            }
            probe = session;
          } else {
            current = session;
          }
          channel.closeFuture().addListener(c -> disconnected(session));
          if (closed) {
            channel.close();
          }
        });
  }

  /** Connects to the host the rotation chose, after its delay. */
  private void next(HostRotation.Next next) {
    if (!next.delay().isZero()) {
      log.warn(
          "no server reachable ({}); trying {} in {} ms",
          String.join(", ", roundFailures),
          hosts.get(next.host()),
          next.delay().toMillis());
      roundFailures.clear();
    }
    schedule(() -> connect(next.host(), false), next.delay());
  }

  @Override
  public boolean welcomed(ControlSessionHandler handler, Welcome welcome) {
    Session s = current;
    if (s != null && s.handler() == handler) {
      roundFailures.clear();
      recordings.sessionStarted(welcome);
      log.info(
          "cluster {} at {} controls this client now (host {} of the list, {})",
          welcome.clusterId(),
          s.server(),
          s.hostIndex() + 1,
          s.hostIndex() == 0 ? "primary" : "fail-over");
      startFailbackTimer(s);
      return true;
    }
    Session p = probe;
    if (p == null || p.handler() != handler) {
      return false;
    }
    probe = null;
    Session replaced = probeFor;
    probeFor = null;
    if (closed || s == null || s != replaced || !recordings.idle()) {
      // the uploads it took are its own now, whether or not the client moves
      recordings.uploadsGranted(welcome);
      log.info(
          "{} answers again, but a recording is running; staying with {} until it is idle",
          p.server(),
          s == null ? "no server" : s.server());
      return false;
    }
    log.info(
        "failing back: {} (host {} of the list) answers again and nothing is being recorded; leaving {}",
        p.server(),
        p.hostIndex() + 1,
        s.server());
    current = p;
    cancelFailbackTimer();
    // closed without ERROR, as a client that exits; its disconnect no longer concerns the client
    s.channel().close();
    rotation.movedTo(p.hostIndex());
    recordings.sessionStarted(welcome);
    log.info(
        "cluster {} at {} controls this client now (host {} of the list, {})",
        welcome.clusterId(),
        p.server(),
        p.hostIndex() + 1,
        p.hostIndex() == 0 ? "primary" : "fail-over");
    startFailbackTimer(p);
    return true;
  }

  private void startFailbackTimer(Session session) {
    cancelFailbackTimer();
    if (failback == FailbackPolicy.NEVER || session.hostIndex() == 0 || closed) {
      return;
    }
    failbackTimer =
        group.scheduleWithFixedDelay(
            this::failbackTick,
            failbackInterval.toMillis(),
            failbackInterval.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void cancelFailbackTimer() {
    if (failbackTimer != null) {
      failbackTimer.cancel(false);
      failbackTimer = null;
    }
  }

  private void failbackTick() {
    Session s = current;
    if (closed
        || probeFor != null
        || s == null
        || s.handler().state() != ConnectionState.ACTIVE
        || s.hostIndex() == 0) {
      return;
    }
    if (!recordings.idle()) {
      log.debug("fail-back check skipped: recording");
      return;
    }
    probeFor = s;
    connect(0, true);
  }

  /**
   * The probed host did not welcome the client: try the next one before the current server, if any.
   */
  private void probeFailed(int hostIndex) {
    Session s = current;
    if (!closed
        && s != null
        && s == probeFor
        && s.handler().state() == ConnectionState.ACTIVE
        && recordings.idle()
        && hostIndex + 1 < s.hostIndex()) {
      connect(hostIndex + 1, true);
      return;
    }
    probeFor = null;
  }

  private void disconnected(Session session) {
    if (session == probe) {
      probe = null;
      if (session.handler().welcomedAt() == 0) {
        probeFailed(session.hostIndex());
      }
      return;
    }
    if (session != current) {
      // a probe that was not kept, or a session left for a fail-back
      return;
    }
    current = null;
    cancelFailbackTimer();
    if (probe != null) {
      probe.channel().close();
    }
    probeFor = null;
    recordings.sessionLost();
    if (closed) {
      return;
    }
    ControlSessionHandler h = session.handler();
    long welcomedAt = h.welcomedAt();
    if (welcomedAt == 0) {
      String why =
          h.closeReason() != null ? h.closeReason() : "closed by the server before WELCOME";
      log.warn("{} did not welcome this client ({}); trying the next host", session.server(), why);
      roundFailures.add(session.server() + ": " + why);
      next(
          rotation.connectFailed(
              session.hostIndex(), h.errorReceived() == ErrorCode.INVALID_AGENT));
      return;
    }
    Duration uptime = Duration.ofMillis(System.currentTimeMillis() - welcomedAt);
    HostRotation.Next next = rotation.sessionEnded(session.hostIndex(), uptime);
    String why = h.closeReason() != null ? h.closeReason() : "closed by the server";
    log.info(
        "disconnected from {} after {} s ({}); connecting to {} in {} ms",
        session.server(),
        uptime.toSeconds(),
        why,
        hosts.get(next.host()),
        next.delay().toMillis());
    roundFailures.add(session.server() + ": " + why);
    schedule(() -> connect(next.host(), false), next.delay());
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
