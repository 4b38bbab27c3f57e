package cz.zoom.screenrec.systemtest.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.RawControlConnection;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on the control port, replayed as an attacker on the agents' network would: a plain socket
 * speaking the protocol, against a real server process and, where the victim is a real desktop, a
 * real Capture Client on Xvfb. Each refusal sits next to the path that must keep working. The
 * failover good paths (a real adoption after the primary dies, pending segments taken by the
 * secondary) are TwoClustersFailoverTest's; a peer cluster's recording playing in the replay is
 * CrossClusterReplayTest's.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ControlPortAttackTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final Duration READ = Duration.ofSeconds(20);
  static final int DEAD_PEER_MS = 8_000;

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  static ServerProcess server;
  static ScreenRecApi api;
  static XvfbDisplay display;

  @BeforeAll
  static void server() {
    display = processes.add(XvfbDisplay.start(640, 480));
    display.paint(java.awt.Color.RED);
    server =
        processes.add(
            ServerProcess.builder()
                .segmentDurationMs(2_000)
                .heartbeatIntervalMs(2_000)
                .deadPeerTimeoutMs(DEAD_PEER_MS)
                .start());
    api = server.api();
  }

  // --- 1: a live session is never taken over -------------------------------------------------

  @Test
  void aSecondHelloForALiveAgentIsRefusedAndTheRealClientRecordsTheCall() throws Exception {
    ClientProcess alice =
        processes.add(ClientProcess.builder("alice").server(server).display(display).start());
    ScreenRecApi.Agent real = api.awaitAgent("alice", WAIT);

    for (int attempt = 0; attempt < 3; attempt++) {
      try (Raw attacker = Raw.open()) {
        JsonNode answer = attacker.hello("alice", "");
        assertThat(answer.path("type").asText()).as(String.valueOf(answer)).isEqualTo("ERROR");
        assertThat(answer.path("code").asText()).isEqualTo("AGENT_CONNECTED");
        assertThat(attacker.conn.awaitClosed(READ)).isTrue();
      }
    }
    assertThat(api.agent("alice"))
        .hasValueSatisfying(
            a -> {
              assertThat(a.connectedAt()).isEqualTo(real.connectedAt());
              assertThat(a.machine()).isEqualTo(real.machine());
            });

    String callId = "takeover-" + UUID.randomUUID();
    String recordingId = api.startCall(callId, "alice").recordingId();
    await()
        .atMost(WAIT)
        .until(
            () ->
                api.recording(recordingId).segments() != null
                    && !api.recording(recordingId).segments().isEmpty());
    api.endCall(callId);
    ScreenRecApi.Recording ready = api.awaitReady(recordingId, WAIT);
    assertThat(ready.agent()).isEqualTo("alice");
    alice.kill();

    // once alice is gone, her name may connect, but not give her finished call a second recording
    long now = System.currentTimeMillis();
    String forged = UUID.randomUUID().toString();
    String active =
        ",\"activeRecording\":{\"recordingId\":\""
            + forged
            + "\",\"callId\":\""
            + callId
            + "\",\"startedAt\":"
            + now
            + ",\"nextSegmentIndex\":0}";
    try (Raw impostor = welcomed("alice", active)) {
      assertThat(impostor.welcome.has("adoptedRecordingId"))
          .as(impostor.welcome.toString())
          .isFalse();
    }
    try (Raw impostor =
        welcomed("alice", ",\"pendingRecordings\":[" + pending(forged, callId, now) + "]")) {
      assertThat(impostor.welcome.path("uploadGrants").size())
          .as(impostor.welcome.toString())
          .isZero();
    }
    assertThat(api.get("api/v1/recordings/" + forged).status()).isEqualTo(404);
    assertThat(api.recordingsOfCall(callId))
        .extracting(ScreenRecApi.Recording::id)
        .containsExactly(recordingId);
    assertThat(api.recording(recordingId).status()).isEqualTo("READY");
  }

  @Test
  void aClientKilledAndRestartedOnTheSameDesktopIsBackWithinSeconds() throws Exception {
    ClientProcess first =
        processes.add(ClientProcess.builder("bruno").server(server).display(display).start());
    String before = api.awaitAgent("bruno", WAIT).connectedAt();
    first.kill();
    long restarted = System.nanoTime();
    processes.add(ClientProcess.builder("bruno").server(server).display(display).start());
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> api.agent("bruno").map(a -> !a.connectedAt().equals(before)).orElse(false));
    long ms = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
    System.out.printf(
        "[control-attack] killed client's successor connected %d ms after its start%n", ms);
    // a JVM start on a busy machine plus at most one backoff round
    assertThat(ms).isLessThan(20_000);
  }

  @Test
  void aSilentSessionIsFollowedOnceTheDeadPeerTimeoutClosedIt() throws Exception {
    try (Raw silent = Raw.open()) {
      assertThat(silent.hello("cyril", "").path("type").asText()).isEqualTo("WELCOME");
      try (Raw early = Raw.open()) {
        assertThat(early.hello("cyril", "").path("code").asText()).isEqualTo("AGENT_CONNECTED");
      }
      assertThat(silent.conn.awaitClosed(Duration.ofMillis(DEAD_PEER_MS * 3L))).isTrue();
      try (Raw next = Raw.open()) {
        assertThat(next.hello("cyril", "").path("type").asText()).isEqualTo("WELCOME");
      }
    }
  }

  // --- 2 and 3: forged pending recordings, and the call end they hijacked ----------------------

  @Test
  void aForgedPendingRecordingGetsNoGrantAndTheCallsEndStopsTheVictimsRecording() throws Exception {
    try (Raw carol = Raw.open()) {
      assertThat(carol.hello("carol", "").path("type").asText()).isEqualTo("WELCOME");
      String callId = "hijack-" + UUID.randomUUID();
      String victim = carol.startCall(callId);

      String forged = UUID.randomUUID().toString();
      long now = System.currentTimeMillis();
      String pending =
          ",\"pendingRecordings\":["
              + pending(forged, callId, now)
              + ","
              + pending(victim, callId, now)
              + "]";
      try (Raw mallory = Raw.open()) {
        JsonNode welcome = mallory.hello("mallory", pending);
        assertThat(welcome.path("type").asText()).isEqualTo("WELCOME");
        assertThat(welcome.path("uploadGrants").size()).as(welcome.toString()).isZero();
      }
      assertThat(api.get("api/v1/recordings/" + forged).status()).isEqualTo(404);
      assertThat(api.recordingsOfCall(callId))
          .extracting(ScreenRecApi.Recording::id)
          .containsExactly(victim);
      JsonNode media = api.get("api/v1/calls/" + callId + "/media").json();
      assertThat(media.toString()).contains(victim).doesNotContain(forged);

      // the call's end reaches the victim's client, which is free for the next call afterwards
      CompletableFuture<ScreenRecApi.Call> ended = async(() -> api.endCall(callId));
      JsonNode stop = carol.next("STOP");
      assertThat(stop.path("recordingId").asText()).isEqualTo(victim);
      carol.ack(stop);
      ended.get(30, TimeUnit.SECONDS);
      carol.send(
          "{\"type\":\"RECORDING_STOPPED\",\"recordingId\":\""
              + victim
              + "\",\"segmentCount\":0,"
              + "\"startedAt\":"
              + now
              + ",\"endedAt\":"
              + (now + 1)
              + "}");
      await().atMost(WAIT).until(() -> !"RECORDING".equals(api.recording(victim).status()));
      assertThat(carol.startCall("next-" + UUID.randomUUID())).isNotEqualTo(victim);
    }
  }

  // --- 4: messages about another agent's recording -------------------------------------------

  @Test
  void recordingStoppedForAnotherAgentsRecordingIsRefusedAndTheOwnersStillCounts()
      throws Exception {
    try (Raw dora = Raw.open()) {
      dora.hello("dora", "");
      String callId = "foreign-" + UUID.randomUUID();
      String id = dora.startCall(callId);
      try (Raw mallory = Raw.open()) {
        mallory.hello("mallory-2", "");
        mallory.send(
            "{\"type\":\"RECORDING_STOPPED\",\"recordingId\":\""
                + id
                + "\",\"segmentCount\":1,"
                + "\"startedAt\":1,\"endedAt\":2,\"reason\":\"cut short\"}");
        JsonNode error = mallory.next("ERROR");
        assertThat(error.path("code").asText()).isEqualTo("FOREIGN_RECORDING");
        assertThat(mallory.conn.awaitClosed(READ)).isTrue();
      }
      assertThat(api.recording(id).status()).isEqualTo("RECORDING");

      long now = System.currentTimeMillis();
      dora.send(
          "{\"type\":\"RECORDING_STOPPED\",\"recordingId\":\""
              + id
              + "\",\"segmentCount\":3,"
              + "\"startedAt\":"
              + now
              + ",\"endedAt\":"
              + (now + 1)
              + "}");
      await().atMost(WAIT).until(() -> "UPLOADING".equals(api.recording(id).status()));
    }
  }

  @Test
  void anAckOnAnotherConnectionAnswersNoCommand() throws Exception {
    try (Raw erin = Raw.open();
        Raw mallory = Raw.open()) {
      erin.hello("erin", "");
      mallory.hello("mallory-3", "");
      String callId = "ack-" + UUID.randomUUID();
      CompletableFuture<ScreenRecApi.Response> call =
          async(() -> api.post("api/v1/calls/" + callId + "/start", "{\"agent\":\"erin\"}"));
      JsonNode start = erin.next("START");
      mallory.ack(start);
      // erin never answers: the server gives up after its ACK deadline, whatever mallory said
      ScreenRecApi.Response answer = call.get(30, TimeUnit.SECONDS);
      assertThat(answer.status()).as(answer.abbreviated()).isEqualTo(502);
      assertThat(api.recording(start.path("recordingId").asText()).status()).isEqualTo("FAILED");
    }
  }

  @Test
  void anotherAgentsRecordingIsNotAdoptedButItsOwnClientsIs() throws Exception {
    String callId = "adopt-" + UUID.randomUUID();
    String id;
    long startedAt = System.currentTimeMillis();
    try (Raw fiona = Raw.open()) {
      fiona.hello("fiona", "");
      id = fiona.startCall(callId);
    }
    String active =
        ",\"activeRecording\":{\"recordingId\":\""
            + id
            + "\",\"callId\":\""
            + callId
            + "\",\"startedAt\":"
            + startedAt
            + ",\"nextSegmentIndex\":0}";
    try (Raw mallory = Raw.open()) {
      JsonNode welcome = mallory.hello("mallory-4", active);
      assertThat(welcome.path("type").asText()).isEqualTo("WELCOME");
      assertThat(welcome.has("adoptedRecordingId")).as(welcome.toString()).isFalse();
    }
    try (Raw fiona = welcomed("fiona", active)) {
      assertThat(api.agent("fiona"))
          .hasValueSatisfying(a -> assertThat(a.state()).isEqualTo("RECORDING"));
      assertThat(api.recording(id).status()).isEqualTo("RECORDING");
    }
  }

  // --- what one connection may cost ---------------------------------------------------------

  @Test
  void aConnectionSendingFarMoreThanTheProtocolNeedsIsClosedAndTheServerStaysUp() throws Exception {
    try (Raw flood = Raw.open()) {
      assertThat(flood.hello("gina", "").path("type").asText()).isEqualTo("WELCOME");
      flood.conn.sendRaw(heartbeats(25));
      JsonNode error = flood.next("ERROR");
      assertThat(error.path("code").asText()).isEqualTo("RATE_LIMITED");
      assertThat(flood.conn.awaitClosed(READ)).isTrue();
    }
    try (Raw flood = Raw.open()) {
      assertThat(flood.hello("gina-2", "").path("type").asText()).isEqualTo("WELCOME");
      try {
        flood.conn.sendRaw(heartbeats(20_000)); // megabytes: more than the socket buffers hold
      } catch (UncheckedIOException closedWhileSending) {
        // the server closed it part way: what this test wants
      }
      assertThat(flood.conn.awaitClosed(READ)).isTrue();
    }
    assertThat(api.send("GET", "/healthz", null, null, Map.of()).status()).isEqualTo(200);
    try (Raw gina = welcomed("gina", "")) {
      assertThat(gina.startCall("after-flood-" + UUID.randomUUID())).isNotEmpty();
    }
  }

  @Test
  void helloClaimsNamingAPeerThatDoesNotAnswerCostSecondsNotMinutes() throws Exception {
    // a "peer cluster" that takes connections and never answers
    try (ServerSocket silentPeer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ServerProcess withPeer =
          processes.add(
              ServerProcess.builder()
                  .heartbeatIntervalMs(2_000)
                  .deadPeerTimeoutMs(DEAD_PEER_MS)
                  .arg(
                      "--peer-cluster",
                      "http://127.0.0.1:" + silentPeer.getLocalPort() + "=silent-peer-api-token",
                      "--peer-timeout",
                      "2000")
                  .start());
      ScreenRecApi peerApi = withPeer.api();
      long now = System.currentTimeMillis();
      StringBuilder claims = new StringBuilder(",\"pendingRecordings\":[");
      for (int i = 0; i < 100; i++) {
        claims.append(i == 0 ? "" : ",");
        claims.append(
            pending(UUID.randomUUID().toString(), "claimed-" + UUID.randomUUID(), now)
                .replace("cluster-x", "cluster-slow"));
      }
      String pendings = claims.append(']').toString();

      try (Raw good = Raw.open(withPeer)) {
        assertThat(good.hello("hana", "").path("type").asText()).isEqualTo("WELCOME");
        long started = System.nanoTime();
        List<CompletableFuture<JsonNode>> hellos = new ArrayList<>();
        List<Raw> claimants = new ArrayList<>();
        try {
          for (int i = 0; i < 4; i++) {
            Raw claimant = Raw.open(withPeer);
            claimants.add(claimant);
            String agent = "claimant-" + i;
            hellos.add(CompletableFuture.supplyAsync(() -> claimant.hello(agent, pendings)));
          }
          // meanwhile the business threads are the claimants', but a call start still answers
          String callId = "beside-claims-" + UUID.randomUUID();
          CompletableFuture<ScreenRecApi.Response> call =
              async(
                  () -> peerApi.post("api/v1/calls/" + callId + "/start", "{\"agent\":\"hana\"}"));
          good.ack(good.next("START"));
          ScreenRecApi.Response answer = call.get(30, TimeUnit.SECONDS);
          assertThat(answer.status()).as(answer.abbreviated()).isEqualTo(201);
          for (CompletableFuture<JsonNode> hello : hellos) {
            JsonNode welcome = hello.get(60, TimeUnit.SECONDS);
            assertThat(welcome.path("type").asText()).as(welcome.toString()).isEqualTo("WELCOME");
            assertThat(welcome.path("uploadGrants").size()).isZero();
          }
        } finally {
          claimants.forEach(Raw::close);
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf(
            "[control-attack] 4 HELLOs claiming 100 recordings of a silent peer each: "
                + "all answered in %d ms%n",
            ms);
        // a question or two of 2 s each, not a hundred
        assertThat(ms).isLessThan(15_000);
      }
    }
  }

  // --- agent tokens: the contact centre says who may be which agent ---------------------------

  @Test
  void withAgentTokensOnlyTheClientHandedTheAgentsTokenGetsIn() throws Exception {
    ServerProcess strict =
        processes.add(
            ServerProcess.builder()
                .heartbeatIntervalMs(2_000)
                .deadPeerTimeoutMs(DEAD_PEER_MS)
                .arg("--agent-auth", "token")
                .start());
    ScreenRecApi.Response minted = strict.api().post("api/v1/agents/ivana/tokens", "{}");
    assertThat(minted.status()).as(minted.abbreviated()).isEqualTo(201);
    processes.add(
        ClientProcess.builder("ivana")
            .server(strict)
            .display(display)
            .env("SCREENREC_AGENT_TOKEN", minted.json().get("token").asText())
            .start());
    assertThat(strict.api().awaitAgent("ivana", WAIT).agent()).isEqualTo("ivana");

    // an enrolled desktop without the token, or with ivana's token for another name, stays out
    try (Raw stranger = Raw.open(strict)) {
      assertThat(stranger.hello("jonas", "").path("code").asText())
          .isEqualTo("AGENT_TOKEN_REFUSED");
    }
    String ivanas = minted.json().get("token").asText();
    try (Raw borrower = Raw.open(strict)) {
      assertThat(
              borrower.hello("jonas", ",\"agentToken\":\"" + ivanas + "\"").path("code").asText())
          .isEqualTo("AGENT_TOKEN_REFUSED");
    }
  }

  private static byte[] heartbeats(int count) {
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int seq = 1; seq <= count; seq++) {
      byte[] json =
          ("{\"type\":\"HEARTBEAT\",\"seq\":"
                  + seq
                  + ",\"clientTime\":"
                  + System.currentTimeMillis()
                  + ",\"clockOffsetMs\":0,\"roundTripMs\":-1}")
              .getBytes(StandardCharsets.UTF_8);
      frames.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
      frames.writeBytes(json);
    }
    return frames.toByteArray();
  }

  /** A connection as {@code agent} once the server welcomes it (a closed session may linger). */
  private static Raw welcomed(String agent, String extra) {
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              Raw again = Raw.open();
              if ("WELCOME".equals(again.hello(agent, extra).path("type").asText())) {
                return again;
              }
              again.close();
              return null;
            },
            r -> r != null);
  }

  private static String pending(String id, String callId, long now) {
    return "{\"recordingId\":\""
        + id
        + "\",\"callId\":\""
        + callId
        + "\",\"startedAt\":"
        + (now - 21_600_000L)
        + ",\"endedAt\":"
        + now
        + ",\"segmentCount\":1,\"originClusterId\":\"cluster-x\"}";
  }

  private static <T> CompletableFuture<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call);
  }

  /** One raw control connection. */
  static final class Raw implements AutoCloseable {
    final RawControlConnection conn;
    private final ScreenRecApi api;
    private String agentName;
    JsonNode welcome;

    private Raw(RawControlConnection conn, ScreenRecApi api) {
      this.conn = conn;
      this.api = api;
    }

    static Raw open() {
      return open(server);
    }

    static Raw open(ServerProcess to) {
      return new Raw(to.rawConnection(), to.api());
    }

    /**
     * Sends HELLO for {@code agent} with extra members ({@code ,"name":value...}); returns the
     * answer.
     */
    JsonNode hello(String agent, String extra) {
      send(
          "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\""
              + agent
              + "\",\"machine\":\"attacker\","
              + "\"screens\":[{\"id\":0,\"x\":0,\"y\":0,\"width\":64,\"height\":64}],\"clientTime\":"
              + System.currentTimeMillis()
              + extra
              + "}");
      JsonNode answer = conn.readFrame(READ);
      assertThat(answer).as("an answer to HELLO of " + agent).isNotNull();
      agentName = agent;
      welcome = answer;
      return answer;
    }

    void send(String json) {
      conn.sendJson(json);
    }

    void ack(JsonNode command) {
      send("{\"type\":\"ACK\",\"seq\":" + command.path("seq").asLong() + ",\"ok\":true}");
    }

    /**
     * Starts a call for this connection's agent and acknowledges its START; returns the recording
     * id.
     */
    String startCall(String callId) throws Exception {
      CompletableFuture<ScreenRecApi.Call> call = async(() -> api.startCall(callId, agentName));
      JsonNode start = next("START");
      ack(start);
      assertThat(call.get(30, TimeUnit.SECONDS).recordingId())
          .isEqualTo(start.path("recordingId").asText());
      return start.path("recordingId").asText();
    }

    JsonNode next(String type) {
      while (true) {
        JsonNode m = conn.readFrame(READ);
        assertThat(m).as("connection closed while waiting for " + type).isNotNull();
        if (type.equals(m.path("type").asText())) {
          return m;
        }
      }
    }

    @Override
    public void close() {
      conn.close();
    }
  }
}
