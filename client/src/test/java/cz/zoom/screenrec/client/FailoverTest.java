package cz.zoom.screenrec.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.client.capture.Recorder;
import cz.zoom.screenrec.client.control.FailbackPolicy;
import cz.zoom.screenrec.client.control.ReconnectPolicy;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.testing.PaintedScreenSource;
import cz.zoom.screenrec.client.testing.ServerNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-over on the client side, against two real server nodes (different clusters) in this JVM:
 * fail-over, fail-back, and segments that reach whichever cluster takes them.
 */
class FailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String AGENT = "alice";

  @TempDir Path tmp;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  private <T extends AutoCloseable> T own(T resource) {
    closeAfter.add(resource);
    return resource;
  }

  private ServerNode node(String clusterId) throws Exception {
    return own(ServerNode.start(tmp.resolve(clusterId), clusterId));
  }

  private CaptureClient.Builder client(String... hosts) {
    List<ServerAddress> addresses = new ArrayList<>();
    for (String h : hosts) {
      addresses.add(ServerAddress.parse(h));
    }
    return CaptureClient.builder(
            new ClientConfig(AGENT, addresses, tmp.resolve("spool")),
            PaintedScreenSource.twoScreens())
        .tls(DesktopTls.plaintext()) // the in-process servers here speak in clear
        .identity(new ClientIdentity(AGENT, "desk-1", "test"))
        .reconnectPolicy(
            new ReconnectPolicy(
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                0.2,
                Duration.ofSeconds(30),
                new Random(1)))
        .connectTimeout(Duration.ofSeconds(1))
        .helloTimeout(Duration.ofSeconds(1))
        .failback(FailbackPolicy.WHEN_IDLE, Duration.ofMillis(300))
        .uploadRetry(Duration.ofMillis(100), Duration.ofMillis(400))
        .uploadPoll(Duration.ofMillis(200));
  }

  private CaptureClient started(CaptureClient.Builder builder) throws Exception {
    return own(builder.build()).start();
  }

  private static String recordingId(java.net.http.HttpResponse<String> callStart) throws Exception {
    assertThat(callStart.statusCode()).as(callStart.body()).isEqualTo(201);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(callStart.body())
        .get("recordingId")
        .asText();
  }

  private static void awaitControlledBy(ServerNode node, String role) {
    await()
        .atMost(WAIT)
        .until(() -> node.agent(AGENT).map(a -> a.path("role").asText()).orElse(""), role::equals);
  }

  /** Records one call on {@code node} and waits until all its segments are stored there. */
  private static String recordCall(ServerNode node, CaptureClient client, String callId)
      throws Exception {
    String id = recordingId(node.callStarted(callId, AGENT));
    await().atMost(WAIT).until(() -> client.recorderState() == Recorder.State.RECORDING);
    await()
        .atMost(WAIT)
        .until(() -> node.recording(id).map(r -> r.path("segments").size()).orElse(0) >= 1);
    assertThat(node.callEnded(callId).statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> node.holdsAllSegments(id));
    await().atMost(WAIT).until(() -> client.recorderState() == Recorder.State.IDLE);
    return id;
  }

  @Test
  void failsOverToTheNextNodeWhenThePrimaryGoesAwayAndTheNextCallIsRecordedThere()
      throws Exception {
    ServerNode a = node("cluster-a");
    ServerNode b = node("cluster-b");
    CaptureClient client = started(client(a.hostArg(), b.hostArg()));
    awaitControlledBy(a, "primary");
    String first = recordCall(a, client, "call-1");
    assertThat(a.recording(first).orElseThrow().path("clusterId").asText()).isEqualTo("cluster-a");

    a.close(); // ERROR SHUTTING_DOWN: straight on to the next host
    awaitControlledBy(b, "secondary");
    String second = recordCall(b, client, "call-2");
    JsonNode rec = b.recording(second).orElseThrow();
    assertThat(rec.path("clusterId").asText()).isEqualTo("cluster-b");
    assertThat(rec.path("segments").findValuesAsText("clusterId")).containsOnly("cluster-b");
    assertThat(client.server().orElseThrow().port()).isEqualTo(b.controlPort());
  }

  @Test
  void failsBackWhenIdleButNeverWhileRecording() throws Exception {
    int primaryControl = ServerNode.freePort();
    int primaryHttp = ServerNode.freePort();
    ServerNode b = node("cluster-b");
    CaptureClient client = started(client("127.0.0.1:" + primaryControl, b.hostArg()));
    awaitControlledBy(b, "secondary");

    String callId = "call-long";
    String id = recordingId(b.callStarted(callId, AGENT));
    await().atMost(WAIT).until(() -> client.recorderState() == Recorder.State.RECORDING);
    ServerNode a =
        own(
            ServerNode.start(
                tmp.resolve("cluster-a"), "cluster-a", primaryControl, primaryHttp, null));

    // the primary is back, but a recording runs: many fail-back intervals pass without a move
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(WAIT)
        .until(() -> client.server().orElseThrow().port(), port -> port == b.controlPort());
    assertThat(a.agent(AGENT)).isEmpty();

    assertThat(b.callEnded(callId).statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> b.holdsAllSegments(id));
    awaitControlledBy(a, "primary");
    await().atMost(WAIT).until(() -> b.agent(AGENT).isEmpty());
    assertThat(client.server().orElseThrow().port()).isEqualTo(primaryControl);
    recordCall(a, client, "call-after-failback");
  }

  @Test
  void staysWithTheFailOverServerWhenFailBackIsNever() throws Exception {
    int primaryControl = ServerNode.freePort();
    ServerNode b = node("cluster-b");
    CaptureClient client =
        started(
            client("127.0.0.1:" + primaryControl, b.hostArg())
                .failback(FailbackPolicy.NEVER, Duration.ofMillis(300)));
    awaitControlledBy(b, "secondary");
    ServerNode a =
        own(
            ServerNode.start(
                tmp.resolve("cluster-a"),
                "cluster-a",
                primaryControl,
                ServerNode.freePort(),
                null));
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(WAIT)
        .until(
            () ->
                a.agent(AGENT).isEmpty()
                    && client.server().map(ServerAddress::port).orElse(0) == b.controlPort());
  }

  @Test
  void pendingSegmentsReachTheNextClusterWhenThePrimarysUploadServerIsGone() throws Exception {
    String deadMus = "http://127.0.0.1:" + ServerNode.freePort(); // nothing listens there
    ServerNode a =
        own(
            ServerNode.start(
                tmp.resolve("cluster-a"), "cluster-a", 0, ServerNode.freePort(), deadMus));
    ServerNode b = node("cluster-b");
    CaptureClient client = started(client(a.hostArg(), b.hostArg()));
    awaitControlledBy(a, "primary");

    String id = recordingId(a.callStarted("call-1", AGENT));
    // the call recorder tells both clusters; b remembers the call of an agent connected elsewhere
    assertThat(b.callStarted("call-1", AGENT).statusCode()).isEqualTo(409);
    await().atMost(WAIT).until(() -> Files.exists(client.spool().segmentFile(id, 1)));
    assertThat(a.callEnded("call-1").statusCode()).isEqualTo(200);
    assertThat(b.callEnded("call-1").statusCode()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.spool().endedWithSegmentsLeft().stream()
                    .anyMatch(m -> m.recordingId().equals(id)));
    assertThat(a.recording(id).orElseThrow().path("segments").size()).isZero();

    // the client offers the ended recording to the next server, which takes its segments: its
    // own feed knows the call as the agent's
    a.close();
    await().atMost(WAIT).until(() -> b.holdsAllSegments(id));
    JsonNode rec = b.recording(id).orElseThrow();
    assertThat(rec.path("originClusterId").asText()).isEqualTo("cluster-a");
    assertThat(rec.path("clusterId").asText()).isEqualTo("cluster-b");
    assertThat(rec.path("callId").asText()).isEqualTo("call-1");
    await().atMost(WAIT).until(() -> !Files.exists(client.spool().root().resolve(id)));
  }

  @Test
  void aRecordingAdoptedByTheNextClusterUploadsEverySegmentThere() throws Exception {
    String deadMus = "http://127.0.0.1:" + ServerNode.freePort();
    ServerNode a =
        own(
            ServerNode.start(
                tmp.resolve("cluster-a"), "cluster-a", 0, ServerNode.freePort(), deadMus));
    ServerNode b = node("cluster-b");
    CaptureClient client = started(client(a.hostArg(), b.hostArg()));
    awaitControlledBy(a, "primary");

    String id = recordingId(a.callStarted("call-7", AGENT));
    // cluster B's own call-event feed hears of the same call (its agent is not connected there yet)
    assertThat(b.callStarted("call-7", AGENT).statusCode()).isEqualTo(409);
    await().atMost(WAIT).until(() -> Files.exists(client.spool().segmentFile(id, 1)));

    a.close(); // mid-call: the client keeps capturing and reports the recording to B, which
    // adopts it
    awaitControlledBy(b, "secondary");
    await()
        .atMost(WAIT)
        .until(() -> b.recording(id).map(r -> r.path("segments").size()).orElse(0) >= 2);
    assertThat(client.recorderState()).isEqualTo(Recorder.State.RECORDING);
    assertThat(b.callEnded("call-7").statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> b.holdsAllSegments(id));
    JsonNode rec = b.recording(id).orElseThrow();
    assertThat(rec.path("originClusterId").asText()).isEqualTo("cluster-a");
    assertThat(rec.path("missingSegments").size()).isZero();
    assertThat(rec.path("segments").get(0).path("index").asInt()).isZero();
  }

  @Test
  void aServerThatAcceptsButNeverAnswersIsSkippedAfterTheHelloTimeout() throws Exception {
    ServerNode b = node("cluster-b");
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      // never accept()ed: the kernel completes the handshake, nobody ever speaks (a stopped
      // process)
      long started = System.currentTimeMillis();
      CaptureClient client = started(client("127.0.0.1:" + silent.getLocalPort(), b.hostArg()));
      awaitControlledBy(b, "secondary");
      assertThat(System.currentTimeMillis() - started).isGreaterThanOrEqualTo(900);
      assertThat(client.server().orElseThrow().port()).isEqualTo(b.controlPort());
    }
  }
}
