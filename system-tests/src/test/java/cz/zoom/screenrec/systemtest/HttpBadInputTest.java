package cz.zoom.screenrec.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ScreenRecApi.Response;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input on the real HTTP port: the Media Upload Server and the REST API answer 4xx with a JSON
 * error body ({"error", "message"}), store nothing, and keep serving. One server and one real
 * client (bob, recording a call throughout, so uploads have a real recording to aim at).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpBadInputTest {
  static final String LONG_ID =
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
  static final String CALL = "http-bad-input-" + UUID.randomUUID();

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  static ServerProcess server;
  static ScreenRecApi api;
  static String recordingId;
  static String uploadUrl;

  @BeforeAll
  static void serverWithARecordingInProgress() throws Exception {
    XvfbDisplay display = processes.add(XvfbDisplay.start(640, 480));
    server = processes.add(ServerProcess.builder().start());
    processes.add(ClientProcess.builder("bob").server(server).display(display).start());
    api = server.api();
    api.awaitAgent("bob", Duration.ofSeconds(60));
    recordingId = api.startCall(CALL, "bob").recordingId();
    uploadUrl = server.httpUri() + "mus/v1";
  }

  @AfterAll
  static void theRealRecordingSurvivedEveryBadUpload() throws Exception {
    api.endCall(CALL);
    ScreenRecApi.Recording r = api.awaitReady(recordingId, Duration.ofMinutes(2));
    assertThat(r.segments()).isNotEmpty().allSatisfy(s -> assertThat(s.clusterId()).isNotBlank());
  }

  // ---- Media Upload Server ----

  @Test
  void uploadWithoutTokenIs401() {
    Response r = put(recordingId, "0", null, segmentHeaders(BODY));
    assertError(r, 401);
  }

  @Test
  void uploadWithAWrongTokenIs401() {
    assertError(put(recordingId, "0", "not-the-token", segmentHeaders(BODY)), 401);
    assertError(put(recordingId, "0", server.apiToken(), segmentHeaders(BODY)), 401);
    // a Basic header is no bearer token either
    Response basic =
        api.sendBytes(
            "PUT",
            segmentUri(recordingId, "0"),
            HttpRequest.BodyPublishers.ofByteArray(BODY),
            null,
            with(segmentHeaders(BODY), "Authorization", "Basic Ym9iOmJvYg=="));
    assertError(basic, 401);
  }

  @Test
  void uploadToAnUnknownRecordingIs404() {
    assertError(put(UUID.randomUUID().toString(), "0", "some-token", segmentHeaders(BODY)), 404);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..%2F..%2Fapi-token",
        "..",
        "%2e%2e",
        "A0000000-0000-0000-0000-000000000000",
        LONG_ID,
        "%2Fetc%2Fpasswd",
        "00000000-0000-0000-0000-000000000000%2F..%2F..",
        "~root"
      })
  void uploadWithAPathOrMalformedRecordingIdIs4xx(String id) {
    Response r = put(id, "0", "some-token", segmentHeaders(BODY));
    assertError(r, 400, 404);
    assertNothingEscapedTheDataDir();
  }

  @Test
  void aNulByteInTheUrlIsAJson400() {
    // rejected by Jetty before any route runs: the answer must still be the API's JSON error
    assertError(
        put("00000000-0000-0000-0000-000000000000%00", "0", "some-token", segmentHeaders(BODY)),
        400);
    assertError(api.get("/api/v1/recordings/%00"), 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "..", "..%2F..%2Fx", "1e3", "99999999999", "0x10", "%2e%2e"})
  void uploadWithABadSegmentIndexIs4xx(String index) {
    assertError(put(recordingId, index, "some-token", segmentHeaders(BODY)), 400, 404);
    assertNothingEscapedTheDataDir();
  }

  @Test
  void uploadWithoutOrWithABadChecksumHeaderIs4xx() {
    assertError(put(recordingId, "0", "some-token", Map.of()), 400, 401);
    assertError(
        put(recordingId, "0", "some-token", Map.of("X-Segment-Sha256", "not-hex")), 400, 401);
  }

  // ---- REST API ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /api/v1/agents",
        "GET /api/v1/recordings",
        "POST /api/v1/calls/c1/start",
        "POST /api/v1/calls/c1/end",
        "GET /api/v1/recordings/00000000-0000-0000-0000-000000000000/video"
      })
  void restWithoutOrWithAWrongTokenIs401(String request) {
    String[] mr = request.split(" ");
    String body = mr[0].equals("POST") ? "{\"agent\":\"bob\"}" : null;
    // a new client each time: an attacker has no connection on which the real token was already
    // sent
    // (Jetty's per-connection header cache matches values case-insensitively unless told otherwise)
    Response none = stranger().send(mr[0], mr[1], body, null, Map.of());
    assertThat(assertError(none, 401).path("error").asText()).isEqualTo("unauthorized");
    Response wrong = stranger().send(mr[0], mr[1], body, "wrong", Map.of());
    assertThat(assertError(wrong, 401).path("error").asText()).isEqualTo("unauthorized");
    Response otherCase =
        stranger().send(mr[0], mr[1], body, server.apiToken().toUpperCase(), Map.of());
    assertError(otherCase, 401);
    Response basic =
        stranger().send(mr[0], mr[1], body, null, Map.of("Authorization", "Basic dGVzdDp0ZXN0"));
    assertError(basic, 401);
  }

  static ScreenRecApi stranger() {
    return new ScreenRecApi(server.httpUri(), null, server.api().tls());
  }

  @Test
  void healthNeedsNoToken() {
    assertThat(api.send("GET", "/healthz", null, null, Map.of()).status()).isEqualTo(200);
  }

  @Test
  void callStartForAnAgentWhoIsNotConnectedIs409() {
    Response r =
        api.post("/api/v1/calls/" + UUID.randomUUID() + "/start", "{\"agent\":\"nobody-here\"}");
    assertThat(assertError(r, 409).path("error").asText()).isEqualTo("agent_not_connected");
  }

  @Test
  void endOfAnUnknownCallIs404() {
    assertError(api.post("/api/v1/calls/never-started-" + UUID.randomUUID() + "/end", null), 404);
  }

  @Test
  void callStartWithABadBodyOrIdIs400() {
    assertError(api.post("/api/v1/calls/c-" + UUID.randomUUID() + "/start", "{not json"), 400);
    assertError(api.post("/api/v1/calls/c-" + UUID.randomUUID() + "/start", "{}"), 400);
    assertError(
        api.post("/api/v1/calls/c-" + UUID.randomUUID() + "/start", "{\"agent\":\"../../etc\"}"),
        400);
    assertError(
        api.post("/api/v1/calls/" + "c".repeat(300) + "/start", "{\"agent\":\"bob\"}"), 400);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-a-uuid",
        "..%2F..%2Fapi-token",
        "%2e%2e",
        "A0000000-0000-0000-0000-000000000000"
      })
  void recordingIdsThatAreNotCanonicalUuidsAre400(String id) {
    assertError(api.get("/api/v1/recordings/" + id), 400, 404);
    assertError(api.get("/api/v1/recordings/" + id + "/video"), 400, 404);
    assertError(api.get("/api/v1/recordings/" + id + "/thumbnail"), 400, 404);
  }

  @Test
  void unknownRecordingIs404() {
    String id = UUID.randomUUID().toString();
    assertError(api.get("/api/v1/recordings/" + id), 404);
    assertError(api.get("/api/v1/recordings/" + id + "/video"), 404);
  }

  // ---- helpers ----

  static final byte[] BODY = "not a capture segment".getBytes(StandardCharsets.UTF_8);

  static Map<String, String> segmentHeaders(byte[] body) {
    try {
      return Map.of(
          "X-Segment-Sha256",
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> copy = new java.util.HashMap<>(m);
    copy.put(k, v);
    return copy;
  }

  static URI segmentUri(String id, String index) {
    return URI.create(uploadUrl + "/recordings/" + id + "/segments/" + index);
  }

  static Response put(String id, String index, String token, Map<String, String> headers) {
    return api.sendBytes(
        "PUT",
        segmentUri(id, index),
        HttpRequest.BodyPublishers.ofByteArray(BODY),
        token,
        with(headers, "Content-Type", "application/octet-stream"));
  }

  /** The answer has one of the statuses and a JSON body {"error": code, "message": text}. */
  static JsonNode assertError(Response r, Integer... statuses) {
    assertThat(r.status()).as(r.toString()).isIn((Object[]) statuses);
    assertThat(r.header("Content-Type"))
        .as(r.toString())
        .get()
        .asString()
        .startsWith("application/json");
    JsonNode json = r.json();
    assertThat(json.path("error").asText()).as(r.toString()).isNotBlank();
    assertThat(json.path("message").isTextual()).as(r.toString()).isTrue();
    return json;
  }

  /** No upload attempt wrote anything next to the server's data directory. */
  static void assertNothingEscapedTheDataDir() {
    Path parent = server.dataDir().getParent();
    assertThat(Files.exists(parent.resolve("api-token"))).isFalse();
    assertThat(Files.exists(parent.resolve("x"))).isFalse();
    assertThat(server.isAlive()).isTrue();
  }
}
