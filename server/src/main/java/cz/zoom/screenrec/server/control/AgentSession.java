package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Hello;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** One agent's live control connection, after a valid HELLO. Thread-safe. */
public final class AgentSession {
  /** The session of a channel, once its HELLO was welcomed. */
  static final AttributeKey<AgentSession> KEY = AttributeKey.valueOf(AgentSession.class, "session");

  private final String sessionId;
  private final Hello hello;
  private final Channel channel;
  private final long connectedAt;
  private final AtomicLong nextSeq = new AtomicLong(1);
  private final Map<Long, CompletableFuture<Ack>> pending = new ConcurrentHashMap<>();
  private final ClockOffsetFilter clock = new ClockOffsetFilter();
  private volatile String recordingId;
  private volatile boolean welcomed;
  private final String desktopId;

  AgentSession(String sessionId, Hello hello, Channel channel, long connectedAt, String desktopId) {
    this.sessionId = sessionId;
    this.hello = hello;
    this.channel = channel;
    this.connectedAt = connectedAt;
    this.desktopId = desktopId;
  }

  /** The enrolled desktop the session's connection came from; null on a --plaintext port. */
  public String desktopId() {
    return desktopId;
  }

  public String sessionId() {
    return sessionId;
  }

  public String agent() {
    return hello.agent();
  }

  public Hello hello() {
    return hello;
  }

  public long connectedAt() {
    return connectedAt;
  }

  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** WELCOME is on its way: from now on the session may be sent commands. */
  public boolean welcomed() {
    return welcomed;
  }

  /** Server clock − client clock, from the client's best recent heartbeat estimate. */
  public long clockOffsetMs() {
    return clock.offsetMs();
  }

  /** Round trip of the heartbeat that gave {@link #clockOffsetMs()}, −1 before the first one. */
  public long roundTripMs() {
    return clock.roundTripMs();
  }

  /** The recording this server believes the client is capturing, or null. */
  public String recordingId() {
    return recordingId;
  }

  public void recordingId(String id) {
    this.recordingId = id;
  }

  void welcomed(boolean v) {
    welcomed = v;
  }

  void clock(long offsetMs, long rttMs) {
    clock.add(offsetMs, rttMs);
  }

  /**
   * Sends a command built around a fresh seq and returns the client's ACK. The future fails if the
   * connection closes first.
   */
  public CompletableFuture<Ack> command(LongFunction<ControlMessage> withSeq) {
    long seq = nextSeq.getAndIncrement();
    CompletableFuture<Ack> ack = new CompletableFuture<>();
    pending.put(seq, ack);
    // however the wait ends (ACK, timeout, cancel, closed connection), the session keeps nothing
    ack.whenComplete((a, e) -> pending.remove(seq, ack));
    channel
        .writeAndFlush(withSeq.apply(seq))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                failPending(seq, f.cause());
              }
            });
    if (!channel.isActive()) {
      failPending(seq, new IOException("connection closed"));
    }
    return ack;
  }

  /** How many commands were sent and are still waited on. */
  public int awaitingAck() {
    return pending.size();
  }

  void acknowledged(Ack ack) {
    CompletableFuture<Ack> f = pending.remove(ack.seq());
    if (f != null) {
      f.complete(ack);
    }
  }

  void send(ControlMessage message) {
    channel.writeAndFlush(message);
  }

  /** Sends ERROR and closes; used when the server stops. */
  public void close(ErrorCode code, String message) {
    if (channel.isActive()) {
      channel
          .writeAndFlush(new ErrorMessage(code, message))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  void closed() {
    IOException gone = new IOException("agent " + agent() + " disconnected");
    pending.keySet().forEach(seq -> failPending(seq, gone));
  }

  private void failPending(long seq, Throwable cause) {
    CompletableFuture<Ack> f = pending.remove(seq);
    if (f != null) {
      f.completeExceptionally(cause);
    }
  }
}
