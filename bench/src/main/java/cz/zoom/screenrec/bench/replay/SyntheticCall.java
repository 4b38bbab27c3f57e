package cz.zoom.screenrec.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A long call made cheaply but through the real paths: a client spoken over the control protocol
 * (testkit's raw connection) hands in capture-format segments of a 1920x1080 screen on which a
 * block changes every few seconds (written with dirty rectangles, so unchanged frames cost
 * nothing), uploaded to the real MUS and encoded by the real encoder; and a PCM WAV of the call's
 * audio with a beep at every change, put through the audio API.
 */
public final class SyntheticCall {
  static final int WIDTH = 1920;
  static final int HEIGHT = 1080;
  static final int CHANGE_EVERY_MS = 5_000;
  static final int BLOCK = 240;

  public record Made(
      String callId,
      String recordingId,
      long startedAt,
      long durationMs,
      int segments,
      long segmentBytes,
      double synthesiseMs,
      double uploadMs,
      double endToReadyMs,
      long videoBytes) {}

  private SyntheticCall() {}

  /**
   * Records a call of {@code durationMs} handed in at once: its end lies in the future, so the
   * READY check cuts it to what the server observed (about the first segment plus a margin). For
   * what moving segments costs, not for replaying them: see {@link #recordInRealTime}.
   */
  public static Made record(
      ServerProcess server, String agent, String callId, long durationMs, int fps, long segmentMs)
      throws Exception {
    return record(server, agent, callId, durationMs, fps, segmentMs, false, false);
  }

  /**
   * Records a call that lasts {@code durationMs} of wall time, each segment uploaded once its
   * capture time has passed and the call ended after the last: a recording the server plays whole,
   * since nothing in it lies after what the server observed.
   */
  public static Made recordInRealTime(
      ServerProcess server, String agent, String callId, long durationMs, int fps, long segmentMs)
      throws Exception {
    return record(server, agent, callId, durationMs, fps, segmentMs, false, true);
  }

  /** Small frames of noise, every pixel new in every frame: bytes that no codec makes smaller. */
  static final int NOISE_WIDTH = 640;

  static final int NOISE_HEIGHT = 360;

  /**
   * The same call, with {@code noise}: a 640x360 screen of random pixels changing whole every
   * frame, for what moving bytes costs (upload throughput), not what an office screen makes.
   */
  public static Made record(
      ServerProcess server,
      String agent,
      String callId,
      long durationMs,
      int fps,
      long segmentMs,
      boolean noise)
      throws Exception {
    return record(server, agent, callId, durationMs, fps, segmentMs, noise, false);
  }

  private static Made record(
      ServerProcess server,
      String agent,
      String callId,
      long durationMs,
      int fps,
      long segmentMs,
      boolean noise,
      boolean realTime)
      throws Exception {
    ScreenRecApi api = server.api();
    try (RawControlConnection c = server.rawConnection()) {
      Object lock = new Object();
      ObjectNode hello =
          ScreenRecApi.JSON
              .createObjectNode()
              .put("type", "HELLO")
              .put("protocolVersion", Limits.PROTOCOL_VERSION)
              .put("agent", agent)
              .put("machine", "bench")
              .put("clientVersion", "0.1.0")
              .put("clientTime", System.currentTimeMillis());
      hello
          .putArray("screens")
          .addObject()
          .put("id", 0)
          .put("x", 0)
          .put("y", 0)
          .put("width", noise ? NOISE_WIDTH : WIDTH)
          .put("height", noise ? NOISE_HEIGHT : HEIGHT);
      c.sendJson(hello.toString());
      JsonNode welcome = c.readFrame(Duration.ofSeconds(30));
      if (welcome == null || !"WELCOME".equals(welcome.path("type").asText())) {
        throw new IllegalStateException("expected WELCOME, got " + welcome);
      }
      AtomicInteger seq = new AtomicInteger();
      ScheduledExecutorService beat =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "bench-heartbeat");
                t.setDaemon(true);
                return t;
              });
      beat.scheduleAtFixedRate(
          () -> {
            synchronized (lock) {
              try {
                c.sendJson(
                    ScreenRecApi.JSON
                        .createObjectNode()
                        .put("type", "HEARTBEAT")
                        .put("seq", seq.incrementAndGet())
                        .put("clientTime", System.currentTimeMillis())
                        .put("clockOffsetMs", 0)
                        .put("roundTripMs", 1)
                        .toString());
              } catch (RuntimeException ignored) {
                // closing
              }
            }
          },
          0,
          welcome.path("heartbeatIntervalMs").asLong(3000),
          TimeUnit.MILLISECONDS);
      try {
        CompletableFuture<ScreenRecApi.Call> started =
            CompletableFuture.supplyAsync(() -> api.startCall(callId, agent));
        JsonNode start = await(c, "START");
        long t0 = System.currentTimeMillis();
        synchronized (lock) {
          c.sendJson(
              ScreenRecApi.JSON
                  .createObjectNode()
                  .put("type", "ACK")
                  .put("seq", start.path("seq").asLong())
                  .put("ok", true)
                  .toString());
        }
        String recordingId = start.path("recordingId").asText();
        String uploadUrl = start.path("uploadUrl").asText();
        String token = start.path("uploadToken").asText();
        started.get(30, TimeUnit.SECONDS);

        long s0 = System.nanoTime();
        java.util.List<byte[]> segments =
            noise
                ? noiseSegments(recordingId, t0, durationMs, fps, segmentMs)
                : segments(recordingId, t0, durationMs, fps, segmentMs);
        double synthMs = (System.nanoTime() - s0) / 1e6;

        long u0 = System.nanoTime();
        long bytes = 0;
        if (realTime) {
          for (int i = 0; i < segments.size(); i++) {
            long due = t0 + Math.min((i + 1) * segmentMs, durationMs);
            Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
            bytes += api.uploadSegment(uploadUrl, recordingId, token, segments, i);
          }
        }
        api.endCall(callId);
        JsonNode stop = await(c, "STOP");
        synchronized (lock) {
          c.sendJson(
              ScreenRecApi.JSON
                  .createObjectNode()
                  .put("type", "ACK")
                  .put("seq", stop.path("seq").asLong())
                  .put("ok", true)
                  .toString());
          c.sendJson(
              ScreenRecApi.JSON
                  .createObjectNode()
                  .put("type", "RECORDING_STOPPED")
                  .put("recordingId", recordingId)
                  .put("segmentCount", segments.size())
                  .put("startedAt", t0)
                  .put("endedAt", t0 + durationMs)
                  .put("reason", "stopped by server")
                  .toString());
        }
        for (int i = 0; !realTime && i < segments.size(); i++) {
          bytes += api.uploadSegment(uploadUrl, recordingId, token, segments, i);
        }
        long uploaded = System.nanoTime();
        ScreenRecApi.Recording ready = api.awaitReady(recordingId, Duration.ofMinutes(30));
        double readyMs = (System.nanoTime() - uploaded) / 1e6;
        return new Made(
            callId,
            recordingId,
            t0,
            durationMs,
            segments.size(),
            bytes,
            synthMs,
            (uploaded - u0) / 1e6,
            readyMs,
            ready.video() == null || ready.video().bytes() == null ? -1 : ready.video().bytes());
      } finally {
        beat.shutdownNow();
      }
    }
  }

  private static JsonNode await(RawControlConnection c, String type) {
    while (true) {
      JsonNode m = c.readFrame(Duration.ofSeconds(60));
      if (m == null) {
        throw new IllegalStateException("server closed the connection while waiting for " + type);
      }
      if (type.equals(m.path("type").asText())) {
        return m;
      }
      if ("ERROR".equals(m.path("type").asText())) {
        throw new IllegalStateException("server sent " + m);
      }
    }
  }

  /** One frame per 1/fps; a block moves and changes colour every CHANGE_EVERY_MS. */
  static java.util.List<byte[]> segments(
      String recordingId, long t0, long durationMs, int fps, long segmentMs) throws IOException {
    int[] px = new int[WIDTH * HEIGHT];
    Arrays.fill(px, 0xF4F6F9);
    int[] lastStep = {-1};
    int[][] lastRect = {null};
    return segments(
        recordingId,
        t0,
        durationMs,
        fps,
        segmentMs,
        new ScreenLayout(0, 0, 0, WIDTH, HEIGHT),
        px,
        t -> {
          int step = (int) (t / CHANGE_EVERY_MS);
          if (step == lastStep[0]) {
            return new int[0];
          }
          int x = (step * 137) % (WIDTH - BLOCK);
          int y = (step * 89) % (HEIGHT - BLOCK);
          int rgb = 0x204080 + (step * 0x3B1F07 & 0x7F7F7F);
          int[] rect = {x, y, BLOCK, BLOCK};
          int[] last = lastRect[0];
          if (last != null) {
            fill(px, last, 0xF4F6F9);
          }
          fill(px, rect, rgb);
          lastRect[0] = rect;
          lastStep[0] = step;
          return last == null
              ? rect
              : new int[] {last[0], last[1], BLOCK, BLOCK, x, y, BLOCK, BLOCK};
        });
  }

  static java.util.List<byte[]> noiseSegments(
      String recordingId, long t0, long durationMs, int fps, long segmentMs) throws IOException {
    java.util.Random random = new java.util.Random(7);
    int[] px = new int[NOISE_WIDTH * NOISE_HEIGHT];
    int[] all = {0, 0, NOISE_WIDTH, NOISE_HEIGHT};
    return segments(
        recordingId,
        t0,
        durationMs,
        fps,
        segmentMs,
        new ScreenLayout(0, 0, 0, NOISE_WIDTH, NOISE_HEIGHT),
        px,
        t -> {
          for (int i = 0; i < px.length; i++) {
            px[i] = random.nextInt() & 0xFFFFFF;
          }
          return all;
        });
  }

  /**
   * Segments of {@code segmentMs} whose frames are {@code px} after {@code paint} changed it for
   * the frame's time (it answers the dirty rectangles, {x, y, w, h} each).
   */
  private static java.util.List<byte[]> segments(
      String recordingId,
      long t0,
      long durationMs,
      int fps,
      long segmentMs,
      ScreenLayout screen,
      int[] px,
      java.util.function.LongFunction<int[]> paint)
      throws IOException {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    long frameMs = 1000L / fps;
    int index = 0;
    for (long from = 0; from < durationMs; from += segmentMs, index++) {
      long to = Math.min(durationMs, from + segmentMs);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      SegmentWriter w =
          new SegmentWriter(
              bytes, new SegmentHeader(recordingId, index, t0 + from, java.util.List.of(screen)));
      for (long t = from; t < to; t += frameMs) {
        int[] dirty = paint.apply(t);
        // the first frame of a segment is a key frame whatever the dirty rectangles say
        w.writeFrame(0, t0 + t, px, false, dirty);
      }
      w.close(t0 + to);
      out.add(bytes.toByteArray());
    }
    return out;
  }

  private static void fill(int[] px, int[] r, int rgb) {
    for (int y = r[1]; y < r[1] + r[3]; y++) {
      Arrays.fill(px, y * WIDTH + r[0], y * WIDTH + r[0] + r[2], rgb);
    }
  }

  /** Mono 8 kHz PCM with a short beep at every change of the screen. */
  static byte[] audio(long durationMs) {
    int rate = 8_000;
    int samples = (int) (durationMs * rate / 1000);
    ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
    b.put("fmt ".getBytes())
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1)
        .putInt(rate)
        .putInt(rate * 2)
        .putShort((short) 2)
        .putShort((short) 16);
    b.put("data".getBytes()).putInt(samples * 2);
    int beep = rate / 10;
    int every = CHANGE_EVERY_MS * rate / 1000;
    for (int i = 0; i < samples; i++) {
      int inCycle = i % every;
      short s =
          inCycle < beep ? (short) (12_000 * Math.sin(2 * Math.PI * 1000 * inCycle / rate)) : 0;
      b.putShort(s);
    }
    return b.array();
  }
}
