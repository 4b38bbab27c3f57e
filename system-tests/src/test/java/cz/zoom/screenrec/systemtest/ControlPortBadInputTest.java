package cz.zoom.screenrec.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.RawControlConnection;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on the real control port (docs/protocol.md, sections 3, 7 and 12), over plain TCP: each
 * connection gets one ERROR frame with the documented code and is closed, while a real client on
 * the same server stays connected through all of it and can still record a call.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPortBadInputTest {
  static final Duration ANSWER = Duration.ofSeconds(5);
  static final String HELLO_TEMPLATE =
      "{\"type\":\"HELLO\",\"protocolVersion\":%d,\"agent\":%s,\"machine\":\"test\",\"clientVersion\":\"raw\","
          + "\"screens\":[{\"id\":0,\"x\":0,\"y\":0,\"width\":640,\"height\":480}],\"clientTime\":%d}";

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  static XvfbDisplay display;
  static ServerProcess server;
  static ScreenRecApi api;
  static ScreenRecApi.Agent aliceBefore;

  @BeforeAll
  static void oneServerWithARealClient() throws Exception {
    // the real client only has to stay connected and record once: a small screen keeps CPU free
    display = processes.add(XvfbDisplay.start(640, 480));
    server = processes.add(ServerProcess.builder().start());
    processes.add(ClientProcess.builder("alice").server(server).display(display).start());
    api = server.api();
    aliceBefore = api.awaitAgent("alice", Duration.ofSeconds(60));
  }

  static String hello(int version, String agentJson) {
    return String.format(HELLO_TEMPLATE, version, agentJson, System.currentTimeMillis());
  }

  static Stream<Arguments> badFrames() {
    String absurd = "\"" + "a".repeat(10_000) + "\"";
    return Stream.of(
        Arguments.of(
            "length one above the limit", bytes(0x00, 0x01, 0x00, 0x01), "FRAME_TOO_LARGE"),
        Arguments.of("length with bit 31 set", bytes(0xff, 0xff, 0xff, 0xff), "FRAME_TOO_LARGE"),
        Arguments.of(
            "HTTP request on the control port",
            ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            "FRAME_TOO_LARGE"),
        Arguments.of("zero length", bytes(0, 0, 0, 0), "BAD_FRAME"),
        Arguments.of("garbage payload", frame("\u0001\u0002garbage{{{"), "BAD_FRAME"),
        Arguments.of(
            "invalid UTF-8", frame(new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}), "BAD_FRAME"),
        Arguments.of("JSON null", frame("null"), "BAD_FRAME"),
        Arguments.of("top-level array", frame("[1,2,3]"), "UNKNOWN_TYPE"),
        Arguments.of("unknown type", frame("{\"type\":\"SELF_DESTRUCT\"}"), "UNKNOWN_TYPE"),
        Arguments.of("no type", frame("{\"agent\":\"alice\"}"), "UNKNOWN_TYPE"),
        Arguments.of("lower-case type", frame("{\"type\":\"hello\"}"), "UNKNOWN_TYPE"),
        Arguments.of(
            "heartbeat before hello",
            frame(
                "{\"type\":\"HEARTBEAT\",\"seq\":1,\"clientTime\":1,"
                    + "\"clockOffsetMs\":0,\"roundTripMs\":1}"),
            "UNEXPECTED_MESSAGE"),
        Arguments.of(
            "server message from a client",
            frame("{\"type\":\"HEARTBEAT_ACK\",\"seq\":1,\"clientTime\":1," + "\"serverTime\":1}"),
            "UNEXPECTED_MESSAGE"),
        Arguments.of(
            "hello with an empty agent",
            frame(hello(Limits.PROTOCOL_VERSION, "\"\"")),
            "INVALID_AGENT"),
        Arguments.of(
            "hello with a 10000-character agent",
            frame(hello(Limits.PROTOCOL_VERSION, absurd)),
            "INVALID_AGENT"),
        Arguments.of(
            "hello with a path as agent",
            frame(hello(Limits.PROTOCOL_VERSION, "\"../../etc/passwd\"")),
            "INVALID_AGENT"),
        Arguments.of(
            "hello with a control character in the agent",
            frame(hello(Limits.PROTOCOL_VERSION, "\"ali\\nce\"")),
            "INVALID_AGENT"),
        Arguments.of(
            "hello without an agent",
            frame(hello(Limits.PROTOCOL_VERSION, "null")),
            "INVALID_AGENT"),
        // a field of the wrong JSON type is BAD_MESSAGE (docs/protocol.md section 12), not coerced
        // to "42"
        Arguments.of(
            "hello with a number as agent",
            frame(hello(Limits.PROTOCOL_VERSION, "42")),
            "BAD_MESSAGE"),
        Arguments.of(
            "hello of protocol version 99", frame(hello(99, "\"mallory\"")), "UNSUPPORTED_VERSION"),
        Arguments.of("hello with 17 screens", frame(helloWithScreens(17)), "BAD_MESSAGE"));
  }

  @ParameterizedTest(name = "{0} → ERROR {2}")
  @MethodSource("badFrames")
  @Order(1)
  void badInputGetsOneErrorThenClose(String what, byte[] wire, String code) {
    try (RawControlConnection c = server.rawConnection()) {
      c.sendRaw(wire);
      JsonNode error = c.readFrame(ANSWER);
      assertThat(error).as("%s: the server closed without an ERROR frame", what).isNotNull();
      assertThat(error.path("type").asText()).as(error.toString()).isEqualTo("ERROR");
      assertThat(error.path("code").asText()).as(error.toString()).isEqualTo(code);
      assertThat(error.path("message").asText())
          .as("a message that says what was wrong")
          .isNotBlank();
      assertThat(c.awaitClosed(ANSWER)).as("%s: connection closed after the ERROR", what).isTrue();
    }
    assertAliceUntouched();
  }

  @Test
  @Order(2)
  void theLargestAllowedFrameIsAccepted() {
    // the limit is on the payload: 65 536 bytes pass, 65 537 do not (the case above)
    String hello = hello(Limits.PROTOCOL_VERSION, "\"big-frame\"");
    byte[] payload = (hello + " ".repeat(65_536 - hello.length())).getBytes(StandardCharsets.UTF_8);
    assertThat(payload).hasSize(65_536);
    try (RawControlConnection c = server.rawConnection()) {
      c.sendFrame(payload);
      JsonNode welcome = c.readFrame(ANSWER);
      assertThat(welcome).as("closed without an answer").isNotNull();
      assertThat(welcome.path("type").asText()).as(welcome.toString()).isEqualTo("WELCOME");
    }
    assertAliceUntouched();
  }

  @Test
  @Order(2)
  void aBadFrameAfterAValidHelloEndsOnlyThatSession() {
    try (RawControlConnection c = server.rawConnection()) {
      c.sendJson(hello(Limits.PROTOCOL_VERSION, "\"mallory\""));
      JsonNode welcome = c.readFrame(ANSWER);
      assertThat(welcome).isNotNull();
      assertThat(welcome.path("type").asText()).as(welcome.toString()).isEqualTo("WELCOME");
      assertThat(api.agent("mallory")).isPresent();

      c.sendJson(hello(Limits.PROTOCOL_VERSION, "\"mallory\""));
      JsonNode error = nextNonHeartbeat(c);
      assertThat(error.path("code").asText()).as(error.toString()).isEqualTo("UNEXPECTED_MESSAGE");
      assertThat(c.awaitClosed(ANSWER)).isTrue();
    }
    assertAliceUntouched();
  }

  @Test
  @Order(3)
  void silenceAndHalfFramesTimeOutAfterTheHelloTimeout() throws Exception {
    // both cases run at once: each waits out the documented 10 s hello timeout
    CompletableFuture<JsonNode> silent =
        CompletableFuture.supplyAsync(
            () -> {
              try (RawControlConnection c = server.rawConnection()) {
                JsonNode e = c.readFrame(Duration.ofSeconds(20));
                assertThat(c.awaitClosed(ANSWER)).isTrue();
                return e;
              }
            });
    CompletableFuture<JsonNode> half =
        CompletableFuture.supplyAsync(
            () -> {
              try (RawControlConnection c = server.rawConnection()) {
                c.sendRaw(new byte[] {0, 0, 0, 100, '{', '"'});
                JsonNode e = c.readFrame(Duration.ofSeconds(20));
                assertThat(c.awaitClosed(ANSWER)).isTrue();
                return e;
              }
            });
    for (JsonNode e :
        new JsonNode[] {silent.get(30, TimeUnit.SECONDS), half.get(30, TimeUnit.SECONDS)}) {
      assertThat(e).as("ERROR before the close").isNotNull();
      assertThat(e.path("code").asText()).as(e.toString()).isEqualTo("TIMEOUT");
    }
    assertAliceUntouched();
  }

  @Test
  @Order(4)
  void manyBadConnectionsAtOnceLeaveTheServerServing() throws Exception {
    CompletableFuture<?>[] all = new CompletableFuture<?>[50];
    for (int i = 0; i < all.length; i++) {
      byte[] wire = i % 2 == 0 ? bytes(0x7f, 0, 0, 0) : frame("{\"type\":\"NOPE\"}");
      all[i] =
          CompletableFuture.runAsync(
              () -> {
                try (RawControlConnection c = server.rawConnection()) {
                  c.sendRaw(wire);
                  assertThat(c.readFrame(ANSWER)).isNotNull();
                  assertThat(c.awaitClosed(ANSWER)).isTrue();
                }
              });
    }
    CompletableFuture.allOf(all).get(60, TimeUnit.SECONDS);
    assertAliceUntouched();
  }

  @Test
  @Order(5)
  void afterAllThatTheRealClientStillRecordsACall() throws Exception {
    display.paint(Color.MAGENTA);
    String callId = "after-bad-input-" + UUID.randomUUID();
    ScreenRecApi.Call call = api.startCall(callId, "alice");
    api.awaitAgentState("alice", "RECORDING", Duration.ofSeconds(10));
    // shows a second of screen, then ends; the recording must come out whole
    Stimulus.holdUntil(java.time.Instant.now().plusSeconds(1));
    api.endCall(callId);
    ScreenRecApi.Recording r = api.awaitReady(call.recordingId(), Duration.ofMinutes(2));
    assertThat(r.segments()).isNotEmpty();
    assertThat(r.video().durationMs()).isPositive();
    assertAliceUntouched();
  }

  /** The real client kept its one session: same connection time and address as before. */
  static void assertAliceUntouched() {
    assertThat(server.isAlive()).as("server process alive").isTrue();
    ScreenRecApi.Agent now =
        api.agent("alice").orElseThrow(() -> new AssertionError("alice is not connected"));
    assertThat(now.connectedAt())
        .as("alice's session was not replaced or reconnected")
        .isEqualTo(aliceBefore.connectedAt());
    assertThat(now.remoteAddress()).isEqualTo(aliceBefore.remoteAddress());
  }

  private static JsonNode nextNonHeartbeat(RawControlConnection c) {
    for (int i = 0; i < 10; i++) {
      JsonNode n = c.readFrame(ANSWER);
      assertThat(n).as("server closed without an ERROR").isNotNull();
      if (!"HEARTBEAT_ACK".equals(n.path("type").asText())) {
        return n;
      }
    }
    throw new AssertionError("only heartbeats");
  }

  private static String helloWithScreens(int n) {
    StringBuilder screens = new StringBuilder();
    for (int i = 0; i < n; i++) {
      screens
          .append(i == 0 ? "" : ",")
          .append("{\"id\":")
          .append(i % 16)
          .append(",\"x\":")
          .append(i * 640)
          .append(",\"y\":0,\"width\":640,\"height\":480}");
    }
    return "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\"mallory\",\"screens\":["
        + screens
        + "],\"clientTime\":1}";
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] frame(String json) {
    return frame(json.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] frame(byte[] payload) {
    return java.nio.ByteBuffer.allocate(4 + payload.length)
        .putInt(payload.length)
        .put(payload)
        .array();
  }
}
