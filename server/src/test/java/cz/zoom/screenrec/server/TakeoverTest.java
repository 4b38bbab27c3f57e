package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server takes over from a client whose previous server went away, and what it refuses. */
class TakeoverTest {
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

  private static Hello hello(
      String agent, ActiveRecording active, List<PendingRecording> pending, int hostIndex) {
    return new Hello(
        Limits.PROTOCOL_VERSION,
        agent,
        "pc",
        "test",
        List.of(new Screen(0, 0, 0, 320, 240)),
        active,
        System.currentTimeMillis(),
        hostIndex,
        pending);
  }

  /**
   * Starts a call for a connected test agent and acknowledges the START; returns the recording id.
   */
  private static String startCall(ServerFixture on, TestAgent agent, String callId, String name)
      throws Exception {
    CompletableFuture<HttpResponse<String>> started =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return on.post(
                    "/api/v1/calls/" + callId + "/start", "{\"agent\":\"" + name + "\"}");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Start start = agent.receive(Start.class);
    agent.send(new Ack(start.seq(), true, null));
    assertThat(started.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    return start.recordingId();
  }

  @Test
  void pendingUploadsOfACallThisClusterKnowsAreTakenAndEncoded() throws Exception {
    // this cluster's feed heard of call-9 while dave's client was connected to another cluster
    assertThat(fx.post("/api/v1/calls/call-9/start", "{\"agent\":\"dave\"}").statusCode())
        .isEqualTo(409);
    String id = UUID.randomUUID().toString();
    // captured during the call: the encoder keeps only what lies within the call this cluster saw
    long t0 = System.currentTimeMillis();
    try (TestAgent agent = fx.agent()) {
      agent.send(
          hello(
              "dave",
              null,
              List.of(new PendingRecording(id, "call-9", t0, t0 + 4000, 2, "cluster-a")),
              1));
      Welcome welcome = agent.receive(Welcome.class);
      assertThat(welcome.uploadGrants()).hasSize(1);
      String token = welcome.uploadGrants().get(0).uploadToken();

      JsonNode agents = ServerFixture.json(fx.get("/api/v1/agents"));
      assertThat(agents.get(0).get("role").asText()).isEqualTo("secondary");

      for (int i = 0; i < 2; i++) {
        byte[] seg = RecordingFlowTest.segment(id, i, t0 + i * 2000L, 0x0000FF);
        var put =
            HttpRequest.newBuilder(
                    URI.create(welcome.uploadUrl() + "/recordings/" + id + "/segments/" + i))
                .header("Authorization", "Bearer " + token)
                .header("X-Segment-Sha256", RecordingFlowTest.sha256(seg))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(seg));
        assertThat(fx.send(put).statusCode()).isEqualTo(201);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> ServerFixture.json(fx.get("/api/v1/recordings/" + id)).get("status").asText(),
              "READY"::equals);
      JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + id));
      assertThat(rec.get("adopted").asBoolean()).isTrue();
      assertThat(rec.get("originClusterId").asText()).isEqualTo("cluster-a");
      assertThat(rec.get("clusterId").asText()).isEqualTo("default");
      assertThat(rec.get("segments").findValuesAsText("clusterId")).containsOnly("default");
    }
  }

  @Test
  void recordingInProgressIsAdoptedOnlyWhenThisClusterKnowsTheCall() throws Exception {
    // this cluster heard of call-7 from its own feed while erin's client was connected elsewhere
    assertThat(fx.post("/api/v1/calls/call-7/start", "{\"agent\":\"erin\"}").statusCode())
        .isEqualTo(409);
    String known = UUID.randomUUID().toString();
    try (TestAgent agent = fx.agent()) {
      agent.send(
          hello(
              "erin",
              new ActiveRecording(known, "call-7", System.currentTimeMillis(), 3, "cluster-a"),
              List.of(),
              1));
      Welcome welcome = agent.receive(Welcome.class);
      assertThat(welcome.adoptedRecordingId()).isEqualTo(known);
      assertThat(welcome.uploadToken()).isNotBlank();
      // the session takes the recording once WELCOME is out: a moment after the client has it
      await()
          .untilAsserted(
              () ->
                  assertThat(
                          ServerFixture.json(fx.get("/api/v1/agents"))
                              .path(0)
                              .path("state")
                              .asText())
                      .isEqualTo("RECORDING"));

      // the call ends on this cluster's feed: the adopting server's STOP ends the recording
      fx.post("/api/v1/calls/call-7/end", "");
      Stop stop = agent.receive(Stop.class);
      assertThat(stop.recordingId()).isEqualTo(known);
      agent.send(new Ack(stop.seq(), true, null));
      agent.send(new RecordingStopped(known, 5, 1000, 2000, "stopped by server"));
      await()
          .until(
              () ->
                  ServerFixture.json(fx.get("/api/v1/recordings/" + known)).get("status").asText(),
              "UPLOADING"::equals);
    }
    String unknown = UUID.randomUUID().toString();
    try (TestAgent agent = fx.agent()) {
      agent.send(
          hello("frank", new ActiveRecording(unknown, "call-unknown", 1000, 0), List.of(), 1));
      assertThat(agent.receive(Welcome.class).adoptedRecordingId()).isNull();
      assertThat(fx.get("/api/v1/recordings/" + unknown).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void pendingRecordingsNoClusterIssuedToTheAgentGetNoGrantAndCreateNothing() throws Exception {
    assertThat(fx.post("/api/v1/calls/call-of-alice/start", "{\"agent\":\"alice\"}").statusCode())
        .isEqualTo(409);
    String unknownCall = UUID.randomUUID().toString();
    String othersCall = UUID.randomUUID().toString();
    String fromHere = UUID.randomUUID().toString();
    String unverifiable = UUID.randomUUID().toString();
    try (TestAgent mallory = fx.agent()) {
      mallory.send(
          hello(
              "mallory",
              null,
              List.of(
                  new PendingRecording(
                      unknownCall, "call-nobody-knows", 1000, 2000, 1, "cluster-a"),
                  new PendingRecording(othersCall, "call-of-alice", 1000, 2000, 1, "cluster-a"),
                  new PendingRecording(fromHere, "call-x", 1000, 2000, 1, "default"),
                  new PendingRecording(unverifiable, "call-y", 1000, 2000, 1, "unknown")),
              1));
      assertThat(mallory.receive(Welcome.class).uploadGrants()).isEmpty();
    }
    for (String id : List.of(unknownCall, othersCall, fromHere, unverifiable)) {
      assertThat(fx.get("/api/v1/recordings/" + id).statusCode()).as(id).isEqualTo(404);
    }
    assertThat(ServerFixture.json(fx.get("/api/v1/recordings?callId=call-of-alice")).size())
        .isZero();
  }

  @Test
  void aLaterClaimOfAKnownRecordingAddsATokenAndChangesNotItsCount() throws Exception {
    assertThat(fx.post("/api/v1/calls/c-5/start", "{\"agent\":\"gina\"}").statusCode())
        .isEqualTo(409);
    String id = UUID.randomUUID().toString();
    long t0 = System.currentTimeMillis() - 60_000;
    String first;
    try (TestAgent owner = fx.agent()) {
      owner.send(
          hello(
              "gina",
              null,
              List.of(new PendingRecording(id, "c-5", t0, t0 + 4000, 2, "cluster-a")),
              1));
      first = owner.receive(Welcome.class).uploadGrants().get(0).uploadToken();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (TestAgent again = fx.agent()) {
                again.send(
                    hello(
                        "gina",
                        null,
                        List.of(new PendingRecording(id, "c-5", t0, t0 + 9000, 7, "cluster-a")),
                        1));
                return again.receive() instanceof Welcome w && w.uploadGrants().size() == 1;
              }
            });
    assertThat(ServerFixture.json(fx.get("/api/v1/recordings/" + id)).get("segmentCount").asInt())
        .isEqualTo(2);
    byte[] seg = RecordingFlowTest.segment(id, 0, t0, 0x0000FF);
    var put =
        HttpRequest.newBuilder(URI.create(fx.base + "/mus/v1/recordings/" + id + "/segments/0"))
            .header("Authorization", "Bearer " + first)
            .header("X-Segment-Sha256", RecordingFlowTest.sha256(seg))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(seg));
    assertThat(fx.send(put).statusCode())
        .as("the first grant's token still uploads")
        .isEqualTo(201);
  }

  @Test
  void aPeerClustersRecordingIsTakenOnlyWhenThePeersApiShowsItAsTheAgents() throws Exception {
    String recordingOnA;
    try (ServerFixture a =
            new ServerFixture(
                dataDir.resolve("a"),
                ServerConfig.builder()
                    .clusterId("cluster-a")
                    .heartbeatIntervalMs(500)
                    .deadPeerTimeoutMs(5_000)
                    .helloTimeoutMs(3_000));
        ServerFixture b =
            new ServerFixture(
                a.sharingCa(dataDir.resolve("b")),
                ServerConfig.builder()
                    .clusterId("cluster-b")
                    .heartbeatIntervalMs(500)
                    .deadPeerTimeoutMs(5_000)
                    .helloTimeoutMs(3_000)
                    .peerCluster(a.base, ServerFixture.TOKEN))) {
      try (TestAgent onA = a.agent()) {
        onA.send(hello("hana", null, List.of(), 0));
        onA.receive(Welcome.class);
        recordingOnA = startCall(a, onA, "call-a1", "hana");
      }
      String forged = UUID.randomUUID().toString();
      try (TestAgent mallory = b.agent()) {
        mallory.send(
            hello(
                "mallory",
                null,
                List.of(new PendingRecording(recordingOnA, "call-a1", 1000, 2000, 1, "cluster-a")),
                1));
        assertThat(mallory.receive(Welcome.class).uploadGrants())
            .as("hana's recording is not mallory's")
            .isEmpty();
      }
      try (TestAgent onB = b.agent()) {
        onB.send(
            hello(
                "hana",
                null,
                List.of(
                    new PendingRecording(recordingOnA, "call-a1", 1000, 2000, 1, "cluster-a"),
                    new PendingRecording(forged, "call-a1", 1000, 2000, 1, "cluster-a")),
                1));
        assertThat(onB.receive(Welcome.class).uploadGrants())
            .extracting(g -> g.recordingId())
            .containsExactly(recordingOnA);
      }
      JsonNode taken = ServerFixture.json(b.get("/api/v1/recordings/" + recordingOnA));
      assertThat(taken.get("originClusterId").asText()).isEqualTo("cluster-a");
      assertThat(taken.get("agent").asText()).isEqualTo("hana");
      assertThat(b.get("/api/v1/recordings/" + forged).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theCallsEndStopsTheRecordingItsStartCreatedNotTheNewestNamingTheCall() throws Exception {
    String live;
    try (TestAgent first = fx.agent()) {
      first.send(hello("ivan", null, List.of(), 0));
      first.receive(Welcome.class);
      live = startCall(fx, first, "call-12", "ivan");
    }
    String other = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    TestAgent again =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  TestAgent a = fx.agent();
                  a.send(
                      hello(
                          "ivan",
                          new ActiveRecording(live, "call-12", now - 5_000, 2, "default"),
                          List.of(
                              new PendingRecording(
                                  other, "call-12", now - 4_000, now - 1_000, 1, "cluster-a")),
                          0));
                  if (a.receive() instanceof Welcome w) {
                    assertThat(w.adoptedRecordingId()).isEqualTo(live);
                    // a call with a recording takes no second one, not even the agent's own
                    assertThat(w.uploadGrants()).isEmpty();
                    return a;
                  }
                  a.close();
                  return null;
                },
                a -> a != null);
    try (again) {
      fx.post("/api/v1/calls/call-12/end", "");
      assertThat(again.receive(Stop.class).recordingId()).isEqualTo(live);
    }
    assertThat(fx.get("/api/v1/recordings/" + other).statusCode()).isEqualTo(404);
  }

  @Test
  void recordingStoppedForAnotherAgentsRecordingIsRefusedAndChangesNothing() throws Exception {
    try (TestAgent owner = fx.agent();
        TestAgent thief = fx.agent()) {
      owner.send(hello("jana", null, List.of(), 0));
      owner.receive(Welcome.class);
      String id = startCall(fx, owner, "call-13", "jana");
      thief.send(hello("mallory", null, List.of(), 0));
      thief.receive(Welcome.class);
      thief.send(new RecordingStopped(id, 1, 1000, 2000, "forged"));
      assertThat(thief.receive(ErrorMessage.class).code()).isEqualTo(ErrorCode.FOREIGN_RECORDING);
      assertThat(thief.closedByPeer()).isTrue();
      JsonNode rec = ServerFixture.json(fx.get("/api/v1/recordings/" + id));
      assertThat(rec.get("status").asText()).isEqualTo("RECORDING");
      assertThat(rec.hasNonNull("segmentCount")).isFalse();

      owner.send(new RecordingStopped(id, 3, 1000, 4000, "client shutting down"));
      await()
          .until(
              () -> ServerFixture.json(fx.get("/api/v1/recordings/" + id)).get("status").asText(),
              "UPLOADING"::equals);
    }
  }

  @Test
  void aClientCannotClaimAnotherAgentsRecording() throws Exception {
    assertThat(fx.post("/api/v1/calls/c-1/start", "{\"agent\":\"gina\"}").statusCode())
        .isEqualTo(409);
    String id = UUID.randomUUID().toString();
    try (TestAgent owner = fx.agent()) {
      owner.send(
          hello(
              "gina",
              null,
              List.of(new PendingRecording(id, "c-1", 1000, 2000, 1, "cluster-a")),
              0));
      assertThat(owner.receive(Welcome.class).uploadGrants()).hasSize(1);
    }
    try (TestAgent thief = fx.agent()) {
      thief.send(
          hello(
              "mallory",
              null,
              List.of(new PendingRecording(id, "c-1", 1000, 2000, 1, "cluster-a")),
              0));
      assertThat(thief.receive(Welcome.class).uploadGrants()).isEmpty();
    }
  }
}
