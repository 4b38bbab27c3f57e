package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken input on both ports gets a clear refusal, and a well-behaved agent never
 * notices.
 */
class BadInputTest {
  @TempDir Path dataDir;
  ServerFixture fx;
  TestAgent bystander;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dataDir);
    bystander = fx.agent();
    bystander.send(TestAgent.hello("bystander"));
    bystander.receive(Welcome.class);
  }

  @AfterEach
  void stop() throws Exception {
    // the well-behaved agent is still served after every kind of abuse
    bystander.send(new Heartbeat(99, System.currentTimeMillis(), 0, -1));
    assertThat(bystander.receive(HeartbeatAck.class).seq()).isEqualTo(99);
    bystander.close();
    fx.close();
  }

  private ErrorMessage errorAfter(byte[] raw) throws Exception {
    try (TestAgent a = fx.agent()) {
      a.sendBytes(raw);
      ControlMessage m = a.receive();
      assertThat(a.closedByPeer()).isTrue();
      return (ErrorMessage) m;
    }
  }

  private static byte[] frame(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
  }

  @Test
  void malformedFramesAreRefusedAndClosed() throws Exception {
    assertThat(errorAfter(ByteBuffer.allocate(4).putInt(Limits.MAX_FRAME_BYTES + 1).array()).code())
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(errorAfter(ByteBuffer.allocate(4).putInt(-1).array()).code())
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(errorAfter(frame("garbage{")).code()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat(errorAfter(frame("{\"type\":\"SELF_DESTRUCT\"}")).code())
        .isEqualTo(ErrorCode.UNKNOWN_TYPE);
    assertThat(
            errorAfter(
                    frame(
                        "{\"type\":\"HEARTBEAT\",\"seq\":1,\"clientTime\":1,\"clockOffsetMs\":0,\"roundTripMs\":0}"))
                .code())
        .isEqualTo(ErrorCode.UNEXPECTED_MESSAGE);
  }

  @Test
  void badHellosAreRefused() throws Exception {
    String base = "{\"type\":\"HELLO\",\"protocolVersion\":2,\"clientTime\":1,\"agent\":";
    assertThat(errorAfter(frame(base + "\"\"}")).code()).isEqualTo(ErrorCode.INVALID_AGENT);
    assertThat(errorAfter(frame(base + "\"" + "x".repeat(5000) + "\"}")).code())
        .isEqualTo(ErrorCode.INVALID_AGENT);
    assertThat(errorAfter(frame(base + "\"../../etc/passwd\"}")).code())
        .isEqualTo(ErrorCode.INVALID_AGENT);
    assertThat(
            errorAfter(
                    frame(
                        base
                            + "\"bob\",\"screens\":["
                            + "{\"id\":0,\"x\":0,\"y\":0,\"width\":1,\"height\":1},".repeat(17)
                            + "{\"id\":0,\"x\":0,\"y\":0,\"width\":1,\"height\":1}]}"))
                .code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(
            errorAfter(
                    frame(
                        "{\"type\":\"HELLO\",\"protocolVersion\":1,\"clientTime\":1,\"agent\":\"bob\"}"))
                .code())
        .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
  }

  @Test
  void silentConnectionIsClosedAfterTheHelloTimeout() throws Exception {
    try (TestAgent a = fx.agent()) {
      assertThat(((ErrorMessage) a.receive()).code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(a.closedByPeer()).isTrue();
    }
  }

  @Test
  void secondHelloWhileTheSessionIsLiveIsRefusedAndChangesNothing() throws Exception {
    try (TestAgent first = fx.agent();
        TestAgent second = fx.agent()) {
      first.send(TestAgent.hello("carol"));
      first.receive(Welcome.class);
      second.send(TestAgent.hello("carol"));
      assertThat(second.receive(ErrorMessage.class).code()).isEqualTo(ErrorCode.AGENT_CONNECTED);
      assertThat(second.closedByPeer()).isTrue();

      // the first session is untouched: it still answers heartbeats and stays the agent's
      first.send(new Heartbeat(1, System.currentTimeMillis(), 0, -1));
      assertThat(first.receive(HeartbeatAck.class).seq()).isEqualTo(1);
      JsonNode agents = ServerFixture.json(fx.get("/api/v1/agents"));
      assertThat(agents.findValuesAsText("agent")).containsExactly("bystander", "carol");
    }
  }

  @Test
  void aClosedSessionIsFollowedByTheNextHello() throws Exception {
    try (TestAgent first = fx.agent()) {
      first.send(TestAgent.hello("carol"));
      first.receive(Welcome.class);
    }
    // the server may see the close after the next HELLO: the client backs off and tries again
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (TestAgent next = fx.agent()) {
                next.send(TestAgent.hello("carol"));
                return next.receive() instanceof Welcome;
              }
            });
  }

  @Test
  void restApiRefusesWithoutTokenAndExplainsBadRequests() throws Exception {
    HttpResponse<String> noToken =
        fx.send(HttpRequest.newBuilder(URI.create(fx.base + "/api/v1/agents")));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(ServerFixture.json(noToken).get("error").asText()).isEqualTo("unauthorized");
    HttpResponse<String> wrongToken =
        fx.send(
            HttpRequest.newBuilder(URI.create(fx.base + "/api/v1/agents"))
                .header("Authorization", "Bearer nope"));
    assertThat(wrongToken.statusCode()).isEqualTo(401);
    assertThat(fx.send(HttpRequest.newBuilder(URI.create(fx.base + "/healthz"))).statusCode())
        .isEqualTo(200);
    // the same kept-alive connection: a good request, then the token with its case changed
    assertThat(fx.get("/api/v1/agents").statusCode()).isEqualTo(200);
    HttpResponse<String> wrongCase =
        fx.send(
            HttpRequest.newBuilder(URI.create(fx.base + "/api/v1/agents"))
                .header("Authorization", "Bearer " + ServerFixture.TOKEN.toUpperCase()));
    assertThat(wrongCase.statusCode()).isEqualTo(401);

    HttpResponse<String> notConnected =
        fx.post("/api/v1/calls/c-1/start", "{\"agent\":\"nobody\"}");
    assertThat(notConnected.statusCode()).isEqualTo(409);
    assertThat(ServerFixture.json(notConnected).get("error").asText())
        .isEqualTo("agent_not_connected");
    assertThat(fx.post("/api/v1/calls/unknown-call/end", "").statusCode()).isEqualTo(404);
    assertThat(fx.post("/api/v1/calls/c-2/start", "not json").statusCode()).isEqualTo(400);
    assertThat(fx.post("/api/v1/calls/c-2/start", "{\"agent\":\"../x\"}").statusCode())
        .isEqualTo(400);
    assertThat(fx.post("/api/v1/calls/c-2/start", "{\"agent\":\"..\"}").statusCode())
        .isEqualTo(400);
    for (String dots : List.of("%2E%2E", ".%2E", "...", "%2E")) {
      assertThat(fx.post("/api/v1/calls/" + dots + "/start", "{\"agent\":\"a\"}").statusCode())
          .as(dots)
          .isEqualTo(400);
    }
    assertThat(
            fx.post("/api/v1/calls/" + "c".repeat(200) + "/start", "{\"agent\":\"a\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(fx.get("/api/v1/recordings/..%2F..%2Fetc%2Fpasswd").statusCode()).isIn(400, 404);
    assertThat(fx.get("/api/v1/recordings/not-a-uuid/video").statusCode()).isEqualTo(400);
    assertThat(fx.get("/api/v1/recordings/00000000-0000-4000-8000-000000000000").statusCode())
        .isEqualTo(404);
    assertThat(fx.get("/api/v1/recordings?agent=%3Cscript%3E").statusCode()).isEqualTo(400);
    HttpResponse<String> nul = fx.get("/api/v1/recordings/00000000-0000-4000-8000-000000000000%00");
    assertThat(nul.statusCode()).isEqualTo(400);
    assertThat(nul.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(ServerFixture.json(nul).get("error").asText()).isEqualTo("bad_request");
  }

  @Test
  void uploadsNeedTheRecordingsOwnTokenAndAValidBody() throws Exception {
    Start start = startCall("bystander-call");
    String url = start.uploadUrl() + "/recordings/" + start.recordingId() + "/segments/";
    byte[] body = RecordingFlowTest.segment(start.recordingId(), 0, 1000, 0x123456);
    String sha = RecordingFlowTest.sha256(body);

    assertThat(put(url + "0", null, sha, body).statusCode()).isEqualTo(401);
    assertThat(put(url + "0", "wrong-token", sha, body).statusCode()).isEqualTo(401);
    assertThat(put(url + "0", start.uploadToken(), null, body).statusCode()).isEqualTo(400);
    assertThat(put(url + "0", start.uploadToken(), "0".repeat(64), body).statusCode())
        .isEqualTo(400);
    assertThat(put(url + "-1", start.uploadToken(), sha, body).statusCode()).isEqualTo(400);
    assertThat(put(url + "abc", start.uploadToken(), sha, body).statusCode()).isEqualTo(400);
    assertThat(
            put(
                    start.uploadUrl() + "/recordings/..%2F..%2Fetc/segments/0",
                    start.uploadToken(),
                    sha,
                    body)
                .statusCode())
        .isIn(400, 404);
    assertThat(
            put(
                    start.uploadUrl()
                        + "/recordings/00000000-0000-4000-8000-000000000000/segments/0",
                    start.uploadToken(),
                    sha,
                    body)
                .statusCode())
        .isEqualTo(404);

    HttpResponse<String> ok = put(url + "0", start.uploadToken(), sha, body);
    assertThat(ok.statusCode()).isEqualTo(201);
    byte[] other = RecordingFlowTest.segment(start.recordingId(), 0, 1000, 0x654321);
    HttpResponse<String> conflict =
        put(url + "0", start.uploadToken(), RecordingFlowTest.sha256(other), other);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(ServerFixture.json(conflict).get("error").asText()).isEqualTo("conflict");
    // a failed checksum left no partial file behind: the stored segment is still the first one
    JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + start.recordingId()));
    assertThat(rec.get("segments").get(0).get("sha256").asText()).isEqualTo(sha);
  }

  private Start startCall(String callId) throws Exception {
    CompletableFuture<HttpResponse<String>> response =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return fx.post("/api/v1/calls/" + callId + "/start", "{\"agent\":\"bystander\"}");
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    Start start = bystander.receive(Start.class);
    bystander.send(new Ack(start.seq(), true, null));
    assertThat(response.get().statusCode()).isEqualTo(201);
    return start;
  }

  private HttpResponse<String> put(String url, String token, String sha, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (sha != null) {
      b.header("X-Segment-Sha256", sha);
    }
    return fx.send(b);
  }
}
