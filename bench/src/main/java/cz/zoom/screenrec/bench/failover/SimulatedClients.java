package cz.zoom.screenrec.bench.failover;

import cz.zoom.screenrec.client.control.ReconnectPolicy;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thousands of Capture Clients in one process, for the fail-over figures: each is a real control
 * connection (Netty, the product's {@link ControlCodec}) that sends HELLO, heartbeats at the
 * interval WELCOME gives, drops a server that stays silent for the dead-peer timeout (reader idle,
 * as the real client does), and moves through its host list as docs/protocol.md section 14 says:
 * the next host at once after a failure, and the product's {@link ReconnectPolicy} (1 s doubling to
 * 60 s, ±20 % jitter) only after a whole round failed. They never record: START and other commands
 * get {@code ACK ok:false}. Given desktops, they speak TLS as enrolled desktops do (client
 * certificate, server name checked), client {@code i} on desktop {@code i % desktops}, each desktop
 * connecting from a loopback address of its own.
 */
final class SimulatedClients implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  /** One event, for per-second rates: when (nanoTime) and at which host index. */
  record Event(long nanos, int host) {}

  /**
   * One HEARTBEAT_ACK: when it arrived (nanoTime) and how long after its HEARTBEAT (ms, wall
   * clock).
   */
  record Answer(long nanos, long roundTripMs) {}

  private final List<InetSocketAddress> hosts;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Sim[] clients;
  private final ConcurrentLinkedQueue<Event> connects = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Event> welcomes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private volatile boolean reportRecording;
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong backoffWaits = new AtomicLong();
  private final AtomicLong sessionsLost = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean closing;

  SimulatedClients(
      int count,
      String agentPrefix,
      List<InetSocketAddress> hosts,
      int eventLoopThreads,
      long seed,
      List<DesktopTls> desktops) {
    this.hosts = List.copyOf(hosts);
    this.group = new NioEventLoopGroup(eventLoopThreads);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
            .option(ChannelOption.TCP_NODELAY, true);
    this.clients = new Sim[count];
    for (int i = 0; i < count; i++) {
      // the product's policy and numbers; a seeded random per client keeps runs comparable
      ReconnectPolicy policy =
          new ReconnectPolicy(
              Duration.ofSeconds(1),
              Duration.ofSeconds(60),
              0.2,
              Duration.ofSeconds(30),
              new Random(seed + i));
      clients[i] =
          new Sim(
              String.format("%s%05d", agentPrefix, i),
              policy,
              desktops.isEmpty() ? null : desktops.get(i % desktops.size()),
              // each desktop from an address of its own, as on a contact centre's LAN
              desktops.isEmpty()
                  ? null
                  : new InetSocketAddress("127.0.1." + (1 + (i % desktops.size()) % 250), 0));
    }
  }

  /**
   * Starts every client on the first host (the primary), spread evenly over {@code spread}: clients
   * of a real site connected at different times, so their heartbeats (and the instants at which
   * they notice a silent server) are spread over a heartbeat interval, not in step.
   */
  void start(Duration spread) {
    for (int i = 0; i < clients.length; i++) {
      Sim c = clients[i];
      long delay = spread.toMillis() * i / clients.length;
      group.next().schedule(() -> c.connect(0), delay, TimeUnit.MILLISECONDS);
    }
  }

  int size() {
    return clients.length;
  }

  /**
   * From now on every HELLO reports a recording in progress (a fresh id), as a client that was
   * recording when its server went away does: the server must look it up in its database.
   */
  void reportRecordings() {
    reportRecording = true;
  }

  /**
   * How many WELCOMEs each client has had so far (a client that lost its session has more later).
   */
  int[] welcomeCounts() {
    int[] n = new int[clients.length];
    for (int i = 0; i < clients.length; i++) {
      n[i] = clients[i].welcomeCount;
    }
    return n;
  }

  List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** Clients whose current session was welcomed by host {@code host}. */
  int welcomedBy(int host) {
    int n = 0;
    for (Sim c : clients) {
      if (c.welcomedHost == host) {
        n++;
      }
    }
    return n;
  }

  /** Latest instant (nanoTime) at which a client got its WELCOME from {@code host}; 0 if none. */
  long lastWelcomeFrom(int host) {
    long last = 0;
    for (Sim c : clients) {
      if (c.welcomedHost == host) {
        last = Math.max(last, c.welcomedAt);
      }
    }
    return last;
  }

  List<Event> connects() {
    return List.copyOf(connects);
  }

  List<Event> welcomes() {
    return List.copyOf(welcomes);
  }

  long connectFailures() {
    return connectFailures.get();
  }

  long backoffWaits() {
    return backoffWaits.get();
  }

  long sessionsLost() {
    return sessionsLost.get();
  }

  long errors() {
    return errors.get();
  }

  @Override
  public void close() {
    closing = true;
    for (Sim c : clients) {
      Channel ch = c.channel;
      if (ch != null) {
        ch.close();
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
  }

  /**
   * One simulated client. Its fields are touched only on its channel's event loop, or read racily
   * for counts.
   */
  private final class Sim {
    final String agent;
    final ReconnectPolicy policy;
    final DesktopTls desktop;
    final InetSocketAddress from;
    volatile Channel channel;
    volatile int welcomedHost = -1;
    volatile long welcomedAt;
    volatile int welcomeCount;
    int host;
    int failures;
    long seq;
    long sessionStartNanos;
    boolean welcomed;
    ScheduledFuture<?> ticker;
    ScheduledFuture<?> helloTimeout;

    Sim(String agent, ReconnectPolicy policy, DesktopTls desktop, InetSocketAddress from) {
      this.agent = agent;
      this.policy = policy;
      this.desktop = desktop;
      this.from = from;
    }

    void connect(int hostIndex) {
      if (closing) {
        return;
      }
      host = hostIndex;
      welcomed = false;
      ChannelFuture f =
          bootstrap
              .clone()
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      InetSocketAddress to = hosts.get(hostIndex);
                      if (desktop != null) {
                        ch.pipeline()
                            .addLast(
                                desktop.controlHandler(
                                    ch.alloc(), to.getHostString(), to.getPort()));
                      }
                      ControlCodec.install(ch.pipeline());
                      ch.pipeline().addLast(new Handler(Sim.this));
                    }
                  })
              .connect(hosts.get(hostIndex), from);
      f.addListener(
          done -> {
            if (!done.isSuccess()) {
              connectFailures.incrementAndGet();
              next(false, Duration.ZERO);
              return;
            }
            Channel ch = f.channel();
            channel = ch;
            connects.add(new Event(System.nanoTime(), hostIndex));
            ActiveRecording active =
                reportRecording
                    ? new ActiveRecording(
                        UUID.randomUUID().toString(),
                        "bench-call-" + agent,
                        System.currentTimeMillis(),
                        0)
                    : null;
            ch.writeAndFlush(
                new Hello(
                    Limits.PROTOCOL_VERSION,
                    agent,
                    "bench-sim",
                    "bench",
                    List.of(new Screen(0, 0, 0, 1920, 1080)),
                    active,
                    System.currentTimeMillis(),
                    hostIndex,
                    List.of()));
            helloTimeout =
                ch.eventLoop()
                    .schedule(
                        () -> {
                          if (!welcomed) {
                            ch.close();
                          }
                        },
                        HELLO_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
          });
    }

    void onWelcome(Channel ch, Welcome w) {
      welcomed = true;
      long now = System.nanoTime();
      sessionStartNanos = now;
      welcomedAt = now;
      welcomedHost = host;
      welcomeCount++;
      welcomes.add(new Event(now, host));
      helloTimeout.cancel(false);
      long interval = w.heartbeatIntervalMs();
      // as the real client: a server silent for the dead-peer timeout is left (reader idle)
      ch.pipeline()
          .addFirst(
              "deadPeer", new IdleStateHandler(w.deadPeerTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS));
      ticker =
          ch.eventLoop()
              .scheduleAtFixedRate(
                  () -> ch.writeAndFlush(new Heartbeat(++seq, System.currentTimeMillis(), 0, 0)),
                  interval,
                  interval,
                  TimeUnit.MILLISECONDS);
    }

    void onClosed() {
      channel = null;
      if (ticker != null) {
        ticker.cancel(false);
        ticker = null;
      }
      if (helloTimeout != null) {
        helloTimeout.cancel(false);
      }
      if (welcomed) {
        welcomedHost = -1;
        sessionsLost.incrementAndGet();
        next(true, Duration.ofNanos(System.nanoTime() - sessionStartNanos));
      } else {
        connectFailures.incrementAndGet();
        next(false, Duration.ZERO);
      }
    }

    /**
     * docs/protocol.md section 14: the next host at once; back off only after a whole failed round.
     */
    private void next(boolean sessionEnded, Duration uptime) {
      if (closing) {
        return;
      }
      Duration delay;
      if (sessionEnded && uptime.compareTo(policy.stableAfter()) >= 0) {
        failures = 0;
        policy.reset();
        delay = Duration.ZERO;
      } else if (++failures >= hosts.size()) {
        failures = 0;
        delay = policy.afterFailedRound();
        backoffWaits.incrementAndGet();
      } else {
        delay = Duration.ZERO;
      }
      int nextHost = (host + 1) % hosts.size();
      group.next().schedule(() -> connect(nextHost), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<ControlMessage> {
    private final Sim sim;

    Handler(Sim sim) {
      this.sim = sim;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ControlMessage msg) {
      if (msg instanceof Welcome w) {
        sim.onWelcome(ctx.channel(), w);
      } else if (msg instanceof HeartbeatAck ack) {
        // any read resets the dead-peer timer; the answer is only counted
        answers.add(new Answer(System.nanoTime(), System.currentTimeMillis() - ack.clientTime()));
      } else if (msg instanceof ErrorMessage) {
        errors.incrementAndGet();
      } else {
        Long seq = commandSeq(msg);
        if (seq != null) {
          ctx.writeAndFlush(new Ack(seq, false, "simulated client: does not record"));
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      sim.onClosed();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The {@code seq} of a command (START, STOP, ...), which every command carries. */
  private static Long commandSeq(ControlMessage msg) {
    try {
      Method m = msg.getClass().getMethod("seq");
      return (Long) m.invoke(msg);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return null;
    }
  }
}
