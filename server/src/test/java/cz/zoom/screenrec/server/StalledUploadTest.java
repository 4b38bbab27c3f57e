package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that vanishes after STOP does not leave its recording waiting forever. */
class StalledUploadTest {
  @TempDir Path dataDir;
  ServerFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx =
        new ServerFixture(
            dataDir,
            ServerConfig.builder()
                .heartbeatIntervalMs(500)
                .deadPeerTimeoutMs(5_000)
                .uploadGraceMs(2_000));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  @Test
  void recordingWithoutAFinalCountIsEncodedFromWhatArrivedAfterTheGrace() throws Exception {
    try (TestAgent agent = fx.agent()) {
      agent.send(TestAgent.hello("henry"));
      agent.receive(Welcome.class);
      CompletableFuture<HttpResponse<String>> started =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return fx.post("/api/v1/calls/call-s/start", "{\"agent\":\"henry\"}");
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Start start = agent.receive(Start.class);
      agent.send(new Ack(start.seq(), true, null));
      assertThat(started.get().statusCode()).isEqualTo(201);

      long t0 = System.currentTimeMillis();
      assertThat(upload(start, 0, RecordingFlowTest.segment(start.recordingId(), 0, t0, 0xFF0000)))
          .isEqualTo(201);
      assertThat(
              upload(
                  start, 2, RecordingFlowTest.segment(start.recordingId(), 2, t0 + 4000, 0x0000FF)))
          .isEqualTo(201);
      String path = "/api/v1/recordings/" + start.recordingId();
      JsonNode rec = ServerFixture.json(fx.get(path));
      assertThat(rec.get("missingSegments").toString()).isEqualTo("[1]");
      assertThat(rec.get("parts")).hasSize(2);
      assertThat(rec.get("parts").get(0).get("fromIndex").asInt()).isZero();
      assertThat(rec.get("parts").get(1).get("fromIndex").asInt()).isEqualTo(2);
      assertThat(rec.get("parts").get(0).get("clusterId").asText()).isEqualTo("default");

      fx.post("/api/v1/calls/call-s/end", "");
      Stop stop = agent.receive(Stop.class);
      agent.send(new Ack(stop.seq(), true, null));
      // ... and the client dies before RECORDING_STOPPED: no final count ever comes
    }
    String id =
        ServerFixture.json(fx.get("/api/v1/recordings?callId=call-s")).get(0).get("id").asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> ServerFixture.json(fx.get("/api/v1/recordings/" + id)).get("status").asText(),
            "READY"::equals);
    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + id));
    assertThat(rec.get("segmentCount").asInt()).isEqualTo(3);
    assertThat(rec.get("missingSegments").toString()).isEqualTo("[1]");
  }

  @Test
  void segmentFiledUnderAnotherRecordingOrIndexIsRefused() throws Exception {
    try (TestAgent agent = fx.agent()) {
      agent.send(TestAgent.hello("ida"));
      agent.receive(Welcome.class);
      CompletableFuture<HttpResponse<String>> started =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return fx.post("/api/v1/calls/call-x/start", "{\"agent\":\"ida\"}");
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Start start = agent.receive(Start.class);
      agent.send(new Ack(start.seq(), true, null));
      started.get();
      assertThat(upload(start, 1, RecordingFlowTest.segment(start.recordingId(), 0, 1000, 0)))
          .isEqualTo(400);
      assertThat(
              upload(
                  start,
                  0,
                  RecordingFlowTest.segment("00000000-0000-4000-8000-000000000000", 0, 1000, 0)))
          .isEqualTo(400);
      assertThat(upload(start, 0, "just some bytes".getBytes())).isEqualTo(400);
      assertThat(
              ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId()))
                  .get("segments"))
          .isEmpty();
    }
  }

  private int upload(Start start, int index, byte[] body) throws Exception {
    return fx.send(
            HttpRequest.newBuilder(
                    URI.create(
                        start.uploadUrl()
                            + "/recordings/"
                            + start.recordingId()
                            + "/segments/"
                            + index))
                .header("Authorization", "Bearer " + start.uploadToken())
                .header("X-Segment-Sha256", RecordingFlowTest.sha256(body))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)))
        .statusCode();
  }
}
