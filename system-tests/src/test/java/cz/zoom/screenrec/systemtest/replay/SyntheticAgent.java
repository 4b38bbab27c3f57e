package cz.zoom.screenrec.systemtest.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.testkit.RawControlConnection;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A capture client spoken by the test over the real control protocol (testkit's raw connection) and
 * the real Media Upload Server, whose screen shows exactly what a {@link ScreenScript} says at
 * exactly the times it says: frames are written with the capture-format writer at chosen
 * timestamps, so the test knows to the millisecond when each colour starts, which a real capture at
 * 5 fps cannot tell. Its clock may be set off the server's by {@code skewMs}; it reports that
 * offset in its heartbeats as a real client measures it, and the server is to correct for it.
 */
final class SyntheticAgent implements AutoCloseable {
  private static final Duration READ = Duration.ofSeconds(30);

  private final RawControlConnection conn;
  private final String agent;
  private final long skewMs;
  private final List<ScreenLayout> screens;
  private final ScheduledExecutorService heartbeats;
  private final AtomicInteger heartbeatSeq = new AtomicInteger();
  private final Object sendLock = new Object();

  /** A recording made by {@link #record}; times are the server's (true) clock. */
  record Recorded(String callId, String recordingId, long startedAt, long durationMs) {
    long endedAt() {
      return startedAt + durationMs;
    }
  }

  private SyntheticAgent(
      RawControlConnection conn,
      String agent,
      long skewMs,
      List<ScreenLayout> screens,
      long heartbeatMs) {
    this.conn = conn;
    this.agent = agent;
    this.skewMs = skewMs;
    this.screens = List.copyOf(screens);
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "synthetic-agent-heartbeat-" + agent);
              t.setDaemon(true);
              return t;
            });
    heartbeats.scheduleAtFixedRate(this::heartbeat, 0, heartbeatMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Connects as {@code agent} with these monitors. {@code skewMs}: the agent's clock is this much
   * behind the server's (client time = server time - skewMs).
   */
  static SyntheticAgent connect(
      ServerProcess server, String agent, List<ScreenLayout> screens, long skewMs) {
    RawControlConnection c = server.rawConnection();
    try {
      ObjectNode hello =
          ScreenRecApi.JSON
              .createObjectNode()
              .put("type", "HELLO")
              .put("protocolVersion", Limits.PROTOCOL_VERSION)
              .put("agent", agent)
              .put("machine", "synthetic-" + agent)
              .put("clientVersion", "0.1.0");
      ArrayNode s = hello.putArray("screens");
      for (ScreenLayout l : screens) {
        s.addObject()
            .put("id", l.id())
            .put("x", l.x())
            .put("y", l.y())
            .put("width", l.width())
            .put("height", l.height());
      }
      hello.put("clientTime", System.currentTimeMillis() - skewMs);
      c.sendJson(hello.toString());
      JsonNode welcome = c.readFrame(READ);
      if (welcome == null || !"WELCOME".equals(welcome.path("type").asText())) {
        throw new IllegalStateException("expected WELCOME, got " + welcome);
      }
      return new SyntheticAgent(
          c, agent, skewMs, screens, welcome.path("heartbeatIntervalMs").asLong(3000));
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  long clientNow() {
    return System.currentTimeMillis() - skewMs;
  }

  private void send(ObjectNode message) {
    synchronized (sendLock) {
      conn.sendJson(message.toString());
    }
  }

  private void heartbeat() {
    try {
      // the offset a real client computes from HEARTBEAT_ACKs (serverTime - its own midpoint)
      send(
          ScreenRecApi.JSON
              .createObjectNode()
              .put("type", "HEARTBEAT")
              .put("seq", heartbeatSeq.incrementAndGet())
              .put("clientTime", clientNow())
              .put("clockOffsetMs", skewMs)
              .put("roundTripMs", 1));
    } catch (RuntimeException e) {
      // the connection is closing; the test sees that on its next read
    }
  }

  /** The next message of this type, skipping heartbeat answers; an ERROR fails the test. */
  private JsonNode await(String type) {
    while (true) {
      JsonNode m = conn.readFrame(READ);
      if (m == null) {
        throw new IllegalStateException(
            "server closed the control connection while waiting for " + type);
      }
      String t = m.path("type").asText();
      if (t.equals(type)) {
        return m;
      }
      if (t.equals("ERROR")) {
        throw new IllegalStateException("server sent " + m + " while waiting for " + type);
      }
    }
  }

  private void ack(JsonNode command) {
    send(
        ScreenRecApi.JSON
            .createObjectNode()
            .put("type", "ACK")
            .put("seq", command.path("seq").asLong())
            .put("ok", true));
  }

  /**
   * Records one call: the call starts through the REST API, the screen shows {@code script} from
   * the moment START arrives, segments of {@code segmentMs} at {@code fps} are uploaded, the call
   * ends and the recording is awaited READY. With {@code realTime} the call stays open until the
   * script's end has passed, as a real call does; without it the recording is handed in at once
   * (its end then lies in the future, which the server accepts; used for long bench calls).
   */
  Recorded record(
      ScreenRecApi api,
      String callId,
      ScreenScript script,
      int fps,
      long segmentMs,
      boolean realTime,
      Duration readyTimeout)
      throws Exception {
    return record(
        api,
        callId,
        script.durationMs(),
        (id, t0) -> segments(id, t0, script, fps, segmentMs),
        realTime,
        readyTimeout);
  }

  /** Writes a recording's capture segments, in client time from {@code t0}. */
  @FunctionalInterface
  interface Segments {
    List<byte[]> write(String recordingId, long t0) throws IOException;
  }

  /** {@link #record} of segments the test writes itself, {@code durationMs} long. */
  Recorded record(
      ScreenRecApi api,
      String callId,
      long durationMs,
      Segments write,
      boolean realTime,
      Duration readyTimeout)
      throws Exception {
    CompletableFuture<ScreenRecApi.Call> started =
        CompletableFuture.supplyAsync(() -> api.startCall(callId, agent));
    JsonNode start = await("START");
    long t0 = clientNow();
    ack(start);
    String recordingId = start.path("recordingId").asText();
    String uploadUrl = start.path("uploadUrl").asText();
    String token = start.path("uploadToken").asText();
    started.get(30, TimeUnit.SECONDS);

    List<byte[]> segments = write.write(recordingId, t0);
    if (realTime) {
      long end = t0 + durationMs;
      org.awaitility.Awaitility.await("the call's screen script playing out")
          .atMost(Duration.ofMillis(durationMs + 10_000))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> clientNow() >= end);
    }
    api.endCall(callId);
    JsonNode stop = await("STOP");
    ack(stop);
    send(
        ScreenRecApi.JSON
            .createObjectNode()
            .put("type", "RECORDING_STOPPED")
            .put("recordingId", recordingId)
            .put("segmentCount", segments.size())
            .put("startedAt", t0)
            .put("endedAt", t0 + durationMs)
            .put("reason", "stopped by server"));
    for (int i = 0; i < segments.size(); i++) {
      api.uploadSegment(uploadUrl, recordingId, token, segments, i);
    }
    api.awaitReady(recordingId, readyTimeout);
    return new Recorded(callId, recordingId, t0 + skewMs, durationMs);
  }

  /** The capture-format segments of the script, in client time from {@code t0}. */
  List<byte[]> segments(String recordingId, long t0, ScreenScript script, int fps, long segmentMs)
      throws IOException {
    List<byte[]> out = new ArrayList<>();
    long frameMs = 1000L / fps;
    Map<Integer, int[]> pixels = new LinkedHashMap<>();
    Map<Integer, Integer> shown = new LinkedHashMap<>();
    for (ScreenLayout s : screens) {
      pixels.put(s.id(), new int[s.width() * s.height()]);
    }
    int index = 0;
    for (long from = 0; from < script.durationMs(); from += segmentMs, index++) {
      long to = Math.min(script.durationMs(), from + segmentMs);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      SegmentWriter w =
          new SegmentWriter(bytes, new SegmentHeader(recordingId, index, t0 + from, screens));
      // every change instant gets a frame of its own, whatever the frame grid
      List<Long> times = new ArrayList<>();
      for (long t = from; t < to; t += frameMs) {
        times.add(t);
      }
      for (long c : script.changeTimes()) {
        if (c >= from && c < to && !times.contains(c)) {
          times.add(c);
        }
      }
      times.sort(null);
      for (long t : times) {
        for (ScreenLayout s : screens) {
          int rgb = script.rgbAt(s.id(), t);
          int[] px = pixels.get(s.id());
          Integer before = shown.get(s.id());
          if (before == null || before != rgb) {
            Arrays.fill(px, rgb);
            shown.put(s.id(), rgb);
          }
          w.writeFrame(s.id(), t0 + t, px, false);
        }
      }
      w.close(t0 + to);
      out.add(bytes.toByteArray());
    }
    return out;
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    conn.close();
  }

  @Override
  public String toString() {
    return "synthetic agent " + agent + " (clock " + skewMs + " ms behind)";
  }

  static void uncheck(IOException e) {
    throw new UncheckedIOException(e);
  }
}
