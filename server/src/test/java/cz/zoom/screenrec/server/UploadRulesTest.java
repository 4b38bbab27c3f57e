package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.RecordingStopped;
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

/**
 * What the Media Upload Server takes and refuses, over real sockets: a recording's upload tokens
 * die when it leaves UPLOADING, next to the uploads that must keep working.
 */
class UploadRulesTest {
  @TempDir Path dataDir;
  ServerFixture fx;
  TestAgent agent;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dataDir, ServerConfig.builder().heartbeatIntervalMs(500).deadPeerTimeoutMs(5_000));
    agent = new TestAgent(fx.server.controlPort());
    agent.send(TestAgent.hello("alice"));
    agent.receive(Welcome.class);
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    fx.close();
  }

  @Test
  void aTokenDiesWhenItsRecordingIsReadyButARepeatOfAStoredSegmentIsStillAcknowledged() throws Exception {
    Start start = startCall("call-1", true);
    long t0 = System.currentTimeMillis();
    byte[] first = RecordingFlowTest.segment(start.recordingId(), 0, t0, 0xFF0000);
    byte[] second = RecordingFlowTest.segment(start.recordingId(), 1, t0 + 2_000, 0x00FF00);
    assertThat(put(start, 0, first, false, start.uploadToken()).statusCode()).isEqualTo(201);
    endCall("call-1", start, 2, t0, t0 + 4_000);
    // UPLOADING still takes the rest
    assertThat(put(start, 1, second, true, start.uploadToken()).statusCode()).isEqualTo(201);
    awaitStatus(start.recordingId(), "READY");

    HttpResponse<String> late = put(start, 7,
        RecordingFlowTest.segment(start.recordingId(), 7, t0 + 14_000, 0x0000FF), false, start.uploadToken());
    assertThat(late.statusCode()).as(late.body()).isEqualTo(410);
    assertThat(ServerFixture.json(late).get("error").asText()).isEqualTo("recording_closed");

    HttpResponse<String> repeat = put(start, 1, second, true, start.uploadToken());
    assertThat(repeat.statusCode()).as("a client whose 201 was lost may clear its spool").isEqualTo(200);
    assertThat(put(start, 1, first, false, start.uploadToken()).statusCode()).as("another body").isEqualTo(409);
    assertThat(put(start, 1, second, true, "not-a-token-of-this-recording").statusCode())
        .as("a repeat still needs a token once issued for the recording").isEqualTo(401);

    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId()));
    assertThat(rec.get("status").asText()).isEqualTo("READY");
    assertThat(rec.get("segments")).hasSize(2);
  }

  @Test
  void aFailedRecordingTakesNoUploads() throws Exception {
    Start start = startCall("call-2", false);
    HttpResponse<String> r = put(start, 0,
        RecordingFlowTest.segment(start.recordingId(), 0, System.currentTimeMillis(), 0xFF0000), false,
        start.uploadToken());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(410);
    assertThat(ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId())).get("segments")).isEmpty();
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Starts a call for alice; her client acknowledges START, or refuses it. */
  Start startCall(String callId, boolean accept) throws Exception {
    CompletableFuture<HttpResponse<String>> started = CompletableFuture.supplyAsync(() -> {
      try {
        return fx.post("/api/v1/calls/" + callId + "/start", "{\"agent\":\"alice\"}");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Start start = agent.receive(Start.class);
    agent.send(new Ack(start.seq(), accept, accept ? null : "no screen"));
    assertThat(started.get().statusCode()).isEqualTo(accept ? 201 : 502);
    return start;
  }

  void endCall(String callId, Start start, int segments, long startedAt, long endedAt) throws Exception {
    assertThat(fx.post("/api/v1/calls/" + callId + "/end", "").statusCode()).isEqualTo(200);
    Stop stop = agent.receive(Stop.class);
    agent.send(new Ack(stop.seq(), true, null));
    agent.send(new RecordingStopped(start.recordingId(), segments, startedAt, endedAt, "stopped by server"));
  }

  void awaitStatus(String recordingId, String status) throws Exception {
    await().atMost(Duration.ofSeconds(90)).until(
        () -> ServerFixture.json(fx.get("/api/v1/recordings/" + recordingId)).get("status").asText(),
        s -> s.equals(status) || s.equals("FAILED") || s.equals("READY"));
    assertThat(ServerFixture.json(fx.get("/api/v1/recordings/" + recordingId)).get("status").asText())
        .isEqualTo(status);
  }

  HttpResponse<String> put(Start start, int index, byte[] body, boolean last, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create(start.uploadUrl() + "/recordings/" + start.recordingId() + "/segments/" + index))
        .header("Authorization", "Bearer " + token)
        .header("X-Segment-Sha256", RecordingFlowTest.sha256(body))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (last) {
      b.header("X-Segment-Final", "true");
    }
    return fx.send(b);
  }
}
