package cz.zoom.screenrec.client.testing;

import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Welcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A control server stand-in speaking the real protocol over a real socket, for client tests that
 * script what a server says and when (the real server's own behaviour is tested in system-tests).
 * It welcomes every HELLO and answers heartbeats; the test drives the rest.
 */
public final class FakeControlServer implements AutoCloseable {
  public static final CaptureSettings FAST_CAPTURE =
      new CaptureSettings(10, 1, 1_000, 1_000, List.of());

  private final EventLoopGroup group =
      new NioEventLoopGroup(1, new DefaultThreadFactory("fake-server", true));
  private final Channel serverChannel;
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private volatile Function<Hello, Welcome> welcome;
  private volatile long clockOffsetMs;
  private volatile boolean answerHeartbeats = true;

  public FakeControlServer(String uploadUrl) throws InterruptedException {
    this(0, uploadUrl);
  }

  public static FakeControlServer onPort(int port, String uploadUrl) throws InterruptedException {
    return new FakeControlServer(port, uploadUrl);
  }

  private FakeControlServer(int port, String uploadUrl) throws InterruptedException {
    this.welcome = hello -> welcome(uploadUrl, null, null);
    serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    Connection c = new Connection(ch);
                    ControlCodec.install(ch.pipeline());
                    ch.pipeline().addLast(c);
                    connections.add(c);
                    accepted.add(c);
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
  }

  public static Welcome welcome(String uploadUrl, String adoptedRecordingId, String uploadToken) {
    return new Welcome(
        "session-1",
        "test-cluster",
        100,
        1_000,
        FAST_CAPTURE,
        uploadUrl,
        adoptedRecordingId,
        uploadToken,
        System.currentTimeMillis());
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  public String hostArg() {
    return "127.0.0.1:" + port();
  }

  /** How each HELLO is answered; null sends nothing. */
  public void onHello(Function<Hello, Welcome> answer) {
    welcome = answer;
  }

  /** The server clock runs this far ahead of the client's. */
  public void clockOffset(long ms) {
    clockOffsetMs = ms;
  }

  public void answerHeartbeats(boolean value) {
    answerHeartbeats = value;
  }

  /** The next connection the client makes (or made and was not taken yet). */
  public Connection nextConnection(Duration timeout) throws InterruptedException {
    Connection c = accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (c == null) {
      throw new AssertionError("no connection within " + timeout);
    }
    return c;
  }

  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    connections.forEach(c -> c.channel.close());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One client connection as the server sees it. */
  public final class Connection extends SimpleChannelInboundHandler<ControlMessage> {
    private final Channel channel;
    private final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
    private final List<ControlMessage> all = new CopyOnWriteArrayList<>();
    private volatile long closedAt;

    Connection(Channel channel) {
      this.channel = channel;
      channel.closeFuture().addListener(f -> closedAt = System.currentTimeMillis());
    }

    public void send(ControlMessage message) {
      channel.writeAndFlush(message).syncUninterruptibly();
    }

    /** Bytes straight onto the socket, around the codec: for frames no real server would send. */
    public void sendRaw(byte[] bytes) {
      ByteBuf buf = channel.alloc().buffer(bytes.length).writeBytes(bytes);
      channel.pipeline().firstContext().writeAndFlush(buf).syncUninterruptibly();
    }

    public void close() {
      channel.close().syncUninterruptibly();
    }

    public boolean isOpen() {
      return channel.isActive();
    }

    public long closedAt() {
      return closedAt;
    }

    /** Everything received so far, heartbeats included. */
    public List<ControlMessage> all() {
      return List.copyOf(all);
    }

    /** Waits for the next message of the given type, skipping others (heartbeats). */
    public <T extends ControlMessage> T expect(Class<T> type, Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        ControlMessage m =
            received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (m == null) {
          throw new AssertionError(
              "no " + type.getSimpleName() + " within " + timeout + "; got " + all);
        }
        if (type.isInstance(m)) {
          return type.cast(m);
        }
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ControlMessage msg) {
      all.add(msg);
      received.add(msg);
      if (msg instanceof Hello hello) {
        Welcome w = welcome.apply(hello);
        if (w != null) {
          ctx.writeAndFlush(w);
        }
      } else if (msg instanceof Heartbeat hb && answerHeartbeats) {
        ctx.writeAndFlush(
            new HeartbeatAck(
                hb.seq(), hb.clientTime(), System.currentTimeMillis() + clockOffsetMs));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
