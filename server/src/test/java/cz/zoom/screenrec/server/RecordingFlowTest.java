package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.Configure;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call from start to a playable recording and its video on request, with the client side spoken
 * by the test over a real socket.
 */
class RecordingFlowTest {
  @TempDir Path dataDir;
  ServerFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dataDir);
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  @Test
  void callIsRecordedUploadedEncodedAndServedWithRanges() throws Exception {
    try (TestAgent agent = fx.agent()) {
      agent.send(TestAgent.hello("alice"));
      Welcome welcome = agent.receive(Welcome.class);
      assertThat(welcome.uploadUrl()).isEqualTo(fx.base + "/mus/v1");

      agent.send(new Heartbeat(1, System.currentTimeMillis(), 0, -1));
      assertThat(agent.receive(HeartbeatAck.class).seq()).isEqualTo(1);

      // capture settings pushed at run time reach the client as CONFIGURE; its ACK decides the
      // answer
      CompletableFuture<HttpResponse<String>> configured =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return fx.send(
                      fx.api("/api/v1/agents/alice/capture")
                          .PUT(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"framesPerSecond\":2,\"scaleDivisor\":2,\"keyframeIntervalMs\":30000,\"segmentDurationMs\":10000}")));
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Configure configure = agent.receive(Configure.class);
      assertThat(configure.capture().scaleDivisor()).isEqualTo(2);
      agent.send(new Ack(configure.seq(), true, null));
      assertThat(configured.get().statusCode()).isEqualTo(200);
      assertThat(
              fx.send(
                      fx.api("/api/v1/agents/alice/capture")
                          .PUT(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"framesPerSecond\":99,\"scaleDivisor\":1,\"keyframeIntervalMs\":30000,\"segmentDurationMs\":10000}")))
                  .statusCode())
          .isEqualTo(400);
      assertThat(
              fx.send(
                      fx.api("/api/v1/agents/nobody/capture")
                          .PUT(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"framesPerSecond\":2,\"scaleDivisor\":1,\"keyframeIntervalMs\":30000,\"segmentDurationMs\":10000}")))
                  .statusCode())
          .isEqualTo(409);

      JsonNode agents = ServerFixture.json(fx.get("/api/v1/agents"));
      assertThat(agents.get(0).get("agent").asText()).isEqualTo("alice");
      assertThat(agents.get(0).get("state").asText()).isEqualTo("IDLE");

      CompletableFuture<HttpResponse<String>> started =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return fx.post("/api/v1/calls/call-1/start", "{\"agent\":\"alice\"}");
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Start start = agent.receive(Start.class);
      assertThat(start.callId()).isEqualTo("call-1");
      agent.send(new Ack(start.seq(), true, null));
      HttpResponse<String> startResponse = started.get();
      assertThat(startResponse.statusCode()).isEqualTo(201);
      assertThat(ServerFixture.json(startResponse).get("recordingId").asText())
          .isEqualTo(start.recordingId());
      assertThat(ServerFixture.json(fx.get("/api/v1/agents")).get(0).get("state").asText())
          .isEqualTo("RECORDING");

      long t0 = System.currentTimeMillis();
      byte[] first = segment(start.recordingId(), 0, t0, 0xFF0000);
      byte[] second = segment(start.recordingId(), 1, t0 + 2000, 0x00FF00);
      assertThat(upload(start, 0, first, false).statusCode()).isEqualTo(201);
      assertThat(upload(start, 0, first, false).statusCode())
          .as("repeat is idempotent")
          .isEqualTo(200);

      HttpResponse<String> ended = fx.post("/api/v1/calls/call-1/end", "");
      assertThat(ended.statusCode()).isEqualTo(200);
      assertThat(ServerFixture.json(ended).get("status").asText()).isEqualTo("UPLOADING");
      Stop stop = agent.receive(Stop.class);
      agent.send(new Ack(stop.seq(), true, null));
      agent.send(new RecordingStopped(start.recordingId(), 2, t0, t0 + 4000, "stopped by server"));
      assertThat(upload(start, 1, second, true).statusCode()).isEqualTo(201);

      String path = "/api/v1/recordings/" + start.recordingId();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> ServerFixture.json(fx.get(path)).get("status").asText(),
              s -> s.equals("READY") || s.equals("FAILED"));
      JsonNode rec = ServerFixture.json(fx.get(path));
      assertThat(rec.get("status").asText()).as(rec.toString()).isEqualTo("READY");
      assertThat(rec.get("agent").asText()).isEqualTo("alice");
      assertThat(rec.get("clusterId").asText()).isEqualTo("default");
      assertThat(rec.get("endedAt").asLong() - rec.get("startedAt").asLong()).isEqualTo(4000);
      assertThat(rec.get("segments")).hasSize(2);
      assertThat(rec.get("video").get("durationMs").asLong()).isEqualTo(4000L);
      assertThat(rec.get("video").get("encoded").asBoolean()).as("READY encodes nothing").isFalse();

      // the segments are the recording, byte for byte as uploaded
      HttpResponse<byte[]> seg =
          fx.http.send(
              fx.api(rec.get("segments").get(1).get("url").asText()).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(seg.statusCode()).isEqualTo(200);
      assertThat(seg.body()).isEqualTo(second);
      assertThat(seg.headers().firstValue("ETag")).hasValue("\"" + sha256(second) + "\"");
      assertThat(fx.get(path + "/segments/2").statusCode()).isEqualTo(404);
      assertThat(fx.get(path + "/segments/x").statusCode()).isEqualTo(400);

      // the video is encoded on the first request: 202 with Retry-After until it is there
      HttpResponse<String> asked = fx.get(path + "/video");
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
      assertThat(asked.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(ServerFixture.json(asked).get("state").asText()).isEqualTo("ENCODING");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> fx.get(path + "/video").statusCode(), c -> c != 202);
      HttpResponse<byte[]> whole =
          fx.http.send(
              fx.api(path + "/video").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/webm");
      assertThat(whole.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(whole.headers().firstValue("Content-Security-Policy")).hasValue("sandbox");
      rec = ServerFixture.json(fx.get(path));
      assertThat(rec.get("video").get("encoded").asBoolean()).isTrue();
      assertThat(rec.get("video").get("contentType").asText()).isEqualTo("video/webm");
      assertThat(rec.get("video").get("bytes").asLong()).isEqualTo(whole.body().length);
      HttpResponse<byte[]> part =
          fx.http.send(
              fx.api(path + "/video").header("Range", "bytes=0-99").GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo(Arrays.copyOf(whole.body(), 100));
      assertThat(part.headers().firstValue("Content-Range"))
          .hasValue("bytes 0-99/" + whole.body().length);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> fx.get(path + "/thumbnail").statusCode(), c -> c != 503);
      assertThat(fx.get(path + "/thumbnail").statusCode()).isEqualTo(200);
      JsonNode list = ServerFixture.json(fx.get("/api/v1/recordings?callId=call-1"));
      assertThat(list).hasSize(1);
      assertThat(list.get(0).get("id").asText()).isEqualTo(start.recordingId());
    }
  }

  private HttpResponse<String> upload(Start start, int index, byte[] body, boolean last)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    start.uploadUrl()
                        + "/recordings/"
                        + start.recordingId()
                        + "/segments/"
                        + index))
            .header("Authorization", "Bearer " + start.uploadToken())
            .header("X-Segment-Sha256", sha256(body))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (last) {
      b.header("X-Segment-Final", "true");
    }
    return fx.send(b);
  }

  static String sha256(byte[] body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
  }

  static byte[] segment(String recordingId, int index, long startedAt, int rgb) throws Exception {
    return segment(
        recordingId, index, startedAt, rgb, List.of(new ScreenLayout(0, 0, 0, 320, 240)));
  }

  /** 2 s of every screen (320x240 each) in one colour, 5 frames a second. */
  static byte[] segment(
      String recordingId, int index, long startedAt, int rgb, List<ScreenLayout> screens)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] pixels = new int[320 * 240];
    Arrays.fill(pixels, rgb);
    try (SegmentWriter w =
        new SegmentWriter(bytes, new SegmentHeader(recordingId, index, startedAt, screens))) {
      for (int i = 0; i < 10; i++) {
        for (ScreenLayout s : screens) {
          w.writeFrame(s.id(), startedAt + i * 200L, pixels, false);
        }
      }
      w.close(startedAt + 2000);
    }
    return bytes.toByteArray();
  }
}
