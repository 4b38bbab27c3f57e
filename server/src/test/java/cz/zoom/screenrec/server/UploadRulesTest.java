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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Media Upload Server takes and refuses, over real sockets: a recording's upload tokens
 * die when it leaves UPLOADING; a slow body holds back no other upload; concurrent uploads of one
 * index store one body. Next to each refusal, the uploads that must keep working.
 */
class UploadRulesTest {
  @TempDir Path dataDir;
  ServerFixture fx;
  TestAgent agent;

  @BeforeEach
  void start() throws Exception {
    // a quota of 1 MiB: two noisy segments exceed it, every other test stays far below; no minimum
    // body rate, which would cut the trickling body whose lock-free upload is under test here
    fx =
        new ServerFixture(
            dataDir,
            ServerConfig.builder()
                .heartbeatIntervalMs(500)
                .deadPeerTimeoutMs(5_000)
                .maxRecordingMb(1)
                .httpMinBodyRate(0));
    agent = fx.agent();
    agent.send(TestAgent.hello("alice"));
    agent.receive(Welcome.class);
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    fx.close();
  }

  @Test
  void aTokenDiesWhenItsRecordingIsReadyButARepeatOfAStoredSegmentIsStillAcknowledged()
      throws Exception {
    Start start = startCall("call-1", true);
    long t0 = System.currentTimeMillis();
    byte[] first = RecordingFlowTest.segment(start.recordingId(), 0, t0, 0xFF0000);
    byte[] second = RecordingFlowTest.segment(start.recordingId(), 1, t0 + 2_000, 0x00FF00);
    assertThat(put(start, 0, first, false, start.uploadToken()).statusCode()).isEqualTo(201);
    endCall("call-1", start, 2, t0, t0 + 4_000);
    // UPLOADING still takes the rest
    assertThat(put(start, 1, second, true, start.uploadToken()).statusCode()).isEqualTo(201);
    awaitStatus(start.recordingId(), "READY");

    HttpResponse<String> late =
        put(
            start,
            7,
            RecordingFlowTest.segment(start.recordingId(), 7, t0 + 14_000, 0x0000FF),
            false,
            start.uploadToken());
    assertThat(late.statusCode()).as(late.body()).isEqualTo(410);
    assertThat(ServerFixture.json(late).get("error").asText()).isEqualTo("recording_closed");

    HttpResponse<String> repeat = put(start, 1, second, true, start.uploadToken());
    assertThat(repeat.statusCode())
        .as("a client whose 201 was lost may clear its spool")
        .isEqualTo(200);
    assertThat(put(start, 1, first, false, start.uploadToken()).statusCode())
        .as("another body")
        .isEqualTo(409);
    assertThat(put(start, 1, second, true, "not-a-token-of-this-recording").statusCode())
        .as("a repeat still needs a token once issued for the recording")
        .isEqualTo(401);

    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId()));
    assertThat(rec.get("status").asText()).isEqualTo("READY");
    assertThat(rec.get("segments")).hasSize(2);
  }

  @Test
  void aFailedRecordingTakesNoUploads() throws Exception {
    Start start = startCall("call-2", false);
    HttpResponse<String> r =
        put(
            start,
            0,
            RecordingFlowTest.segment(start.recordingId(), 0, System.currentTimeMillis(), 0xFF0000),
            false,
            start.uploadToken());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(410);
    assertThat(
            ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId())).get("segments"))
        .isEmpty();
  }

  @Test
  void indexesAtOrBeyondTheFinalCountAndASecondFinalSegmentAreRefused() throws Exception {
    Start start = startCall("call-5", true);
    long t0 = System.currentTimeMillis();
    String id = start.recordingId();
    assertThat(
            put(
                    start,
                    0,
                    RecordingFlowTest.segment(id, 0, t0, 0xFF0000),
                    false,
                    start.uploadToken())
                .statusCode())
        .isEqualTo(201);
    assertThat(
            put(
                    start,
                    3,
                    RecordingFlowTest.segment(id, 3, t0 + 6_000, 0xFF0000),
                    false,
                    start.uploadToken())
                .statusCode())
        .isEqualTo(201);
    HttpResponse<String> early =
        put(start, 1, RecordingFlowTest.segment(id, 1, t0 + 2_000, 0), true, start.uploadToken());
    assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
    assertThat(ServerFixture.json(early).get("error").asText()).isEqualTo("final_mismatch");

    assertThat(
            put(
                    start,
                    4,
                    RecordingFlowTest.segment(id, 4, t0 + 8_000, 0x00FF00),
                    true,
                    start.uploadToken())
                .statusCode())
        .as("the real final segment")
        .isEqualTo(201);
    for (int index : new int[] {5, 9}) {
      HttpResponse<String> beyond =
          put(
              start,
              index,
              RecordingFlowTest.segment(id, index, t0, 0),
              false,
              start.uploadToken());
      assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(409);
      assertThat(ServerFixture.json(beyond).get("error").asText()).isEqualTo("beyond_final");
    }
    HttpResponse<String> second =
        put(start, 2, RecordingFlowTest.segment(id, 2, t0 + 4_000, 0), true, start.uploadToken());
    assertThat(ServerFixture.json(second).get("error").asText())
        .as(second.body())
        .isEqualTo("final_mismatch");
    assertThat(
            put(
                    start,
                    2,
                    RecordingFlowTest.segment(id, 2, t0 + 4_000, 0),
                    false,
                    start.uploadToken())
                .statusCode())
        .as("a missing segment below the final one")
        .isEqualTo(201);

    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + id));
    assertThat(rec.get("segmentCount").asInt()).isEqualTo(5);
    assertThat(rec.get("segments"))
        .extracting(x -> x.get("index").asInt())
        .containsExactly(0, 2, 3, 4);
  }

  @Test
  void aRecordingStoresNoMoreThanItsQuota() throws Exception {
    Start start = startCall("call-6", true);
    long t0 = System.currentTimeMillis();
    String id = start.recordingId();
    byte[] first = noisySegment(id, 0, t0, 1);
    assertThat(first.length).as("over half the 1 MiB quota").isBetween(600_000, 1_000_000);
    assertThat(put(start, 0, first, false, start.uploadToken()).statusCode()).isEqualTo(201);

    byte[] second = noisySegment(id, 1, t0 + 2_000, 2);
    HttpResponse<String> declared = put(start, 1, second, false, start.uploadToken());
    assertThat(declared.statusCode()).as(declared.body()).isEqualTo(413);
    assertThat(ServerFixture.json(declared).get("error").asText()).isEqualTo("quota_exceeded");
    // without a length the body is cut off once it would pass the quota
    HttpResponse<String> streamed =
        fx.send(
            HttpRequest.newBuilder(
                    URI.create(start.uploadUrl() + "/recordings/" + id + "/segments/1"))
                .header("Authorization", "Bearer " + start.uploadToken())
                .header("X-Segment-Sha256", RecordingFlowTest.sha256(second))
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(second))));
    assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);
    assertThat(ServerFixture.json(streamed).get("error").asText()).isEqualTo("quota_exceeded");

    assertThat(
            put(
                    start,
                    1,
                    RecordingFlowTest.segment(id, 1, t0 + 2_000, 0),
                    false,
                    start.uploadToken())
                .statusCode())
        .as("a small segment still fits")
        .isEqualTo(201);
    assertThat(ServerFixture.json(fx.get("/api/v1/recordings/" + id)).get("segments")).hasSize(2);
  }

  @Test
  void aBodyArrivingAByteASecondDoesNotHoldBackTheRecordingsOtherSegments() throws Exception {
    Start start = startCall("call-3", true);
    long t0 = System.currentTimeMillis();
    byte[] slow = RecordingFlowTest.segment(start.recordingId(), 1, t0 + 2_000, 0x00FF00);
    try (Socket socket = fx.httpSocket(null)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      URI uri =
          URI.create(start.uploadUrl() + "/recordings/" + start.recordingId() + "/segments/1");
      out.write(
          ("PUT "
                  + uri.getPath()
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + start.uploadToken()
                  + "\r\nX-Segment-Sha256: "
                  + RecordingFlowTest.sha256(slow)
                  + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                  + slow.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      int sent = 0;
      out.write(slow, sent++, 1);
      out.flush();

      CompletableFuture<HttpResponse<String>> first =
          putAsync(start, 0, RecordingFlowTest.segment(start.recordingId(), 0, t0, 0xFF0000));
      CompletableFuture<HttpResponse<String>> third =
          putAsync(
              start, 2, RecordingFlowTest.segment(start.recordingId(), 2, t0 + 4_000, 0x0000FF));
      long began = System.nanoTime();
      // one byte a second (the attack's pace) until both others are answered, or for 30 s at most
      while (!(first.isDone() && third.isDone()) && sent < 30) {
        Thread.sleep(1_000);
        out.write(slow, sent++, 1);
        out.flush();
      }
      assertThat(first.isDone() && third.isDone())
          .as("segments 0 and 2 answered while 1 trickles in")
          .isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
      assertThat(first.get().statusCode()).isEqualTo(201);
      assertThat(third.get().statusCode()).isEqualTo(201);

      out.write(slow, sent, slow.length - sent);
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).as("the slow one is stored too, once complete").startsWith("HTTP/1.1 201");
    }
    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId()));
    assertThat(rec.get("segments"))
        .extracting(s -> s.get("index").asInt())
        .containsExactly(0, 1, 2);
  }

  @Test
  void concurrentUploadsOfOneIndexStoreExactlyOneBody() throws Exception {
    Start start = startCall("call-4", true);
    long t0 = System.currentTimeMillis();
    byte[] red = RecordingFlowTest.segment(start.recordingId(), 0, t0, 0xFF0000);
    byte[] blue = RecordingFlowTest.segment(start.recordingId(), 0, t0, 0x0000FF);
    List<byte[]> bodies = List.of(red, blue, red, blue, red, blue, red, blue);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (byte[] body : bodies) {
      answers.add(putAsync(start, 0, body));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> a : answers) {
      statuses.add(a.get(60, TimeUnit.SECONDS).statusCode());
    }
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    byte[] winner = bodies.get(statuses.indexOf(201));
    for (int i = 0; i < bodies.size(); i++) {
      if (i != statuses.indexOf(201)) {
        assertThat(statuses.get(i))
            .as("upload %d", i)
            .isEqualTo(bodies.get(i) == winner ? 200 : 409);
      }
    }
    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId()));
    assertThat(rec.get("segments")).hasSize(1);
    assertThat(rec.get("segments").get(0).get("sha256").asText())
        .isEqualTo(RecordingFlowTest.sha256(winner));
    Path file =
        dataDir
            .resolve("media")
            .resolve(start.recordingId())
            .resolve("segments")
            .resolve("000000.seg");
    assertThat(Files.readAllBytes(file)).isEqualTo(winner);
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertThat(left).as("no temporary file is left").containsExactly(file);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** A segment of one frame of noise, which no compression shrinks: about 700 KB. */
  static byte[] noisySegment(String recordingId, int index, long startedAt, long seed)
      throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int[] pixels = new java.util.Random(seed).ints(480 * 480).toArray();
    try (cz.zoom.screenrec.format.SegmentWriter w =
        new cz.zoom.screenrec.format.SegmentWriter(
            bytes,
            new cz.zoom.screenrec.format.SegmentHeader(
                recordingId,
                index,
                startedAt,
                List.of(new cz.zoom.screenrec.format.ScreenLayout(0, 0, 0, 480, 480))))) {
      w.writeFrame(0, startedAt, pixels, false);
      w.close(startedAt + 2_000);
    }
    return bytes.toByteArray();
  }

  CompletableFuture<HttpResponse<String>> putAsync(Start start, int index, byte[] body) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return put(start, index, body, false, start.uploadToken());
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        },
        Executors.newSingleThreadExecutor());
  }

  /** Starts a call for alice; her client acknowledges START, or refuses it. */
  Start startCall(String callId, boolean accept) throws Exception {
    CompletableFuture<HttpResponse<String>> started =
        CompletableFuture.supplyAsync(
            () -> {
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

  void endCall(String callId, Start start, int segments, long startedAt, long endedAt)
      throws Exception {
    assertThat(fx.post("/api/v1/calls/" + callId + "/end", "").statusCode()).isEqualTo(200);
    Stop stop = agent.receive(Stop.class);
    agent.send(new Ack(stop.seq(), true, null));
    agent.send(
        new RecordingStopped(
            start.recordingId(), segments, startedAt, endedAt, "stopped by server"));
  }

  void awaitStatus(String recordingId, String status) throws Exception {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                ServerFixture.json(fx.get("/api/v1/recordings/" + recordingId))
                    .get("status")
                    .asText(),
            s -> s.equals(status) || s.equals("FAILED") || s.equals("READY"));
    assertThat(
            ServerFixture.json(fx.get("/api/v1/recordings/" + recordingId)).get("status").asText())
        .isEqualTo(status);
  }

  HttpResponse<String> put(Start start, int index, byte[] body, boolean last, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    start.uploadUrl()
                        + "/recordings/"
                        + start.recordingId()
                        + "/segments/"
                        + index))
            .header("Authorization", "Bearer " + token)
            .header("X-Segment-Sha256", RecordingFlowTest.sha256(body))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (last) {
      b.header("X-Segment-Final", "true");
    }
    return fx.send(b);
  }
}
