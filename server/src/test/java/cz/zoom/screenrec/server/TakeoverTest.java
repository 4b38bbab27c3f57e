package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server takes over from a client whose previous server went away. */
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

  private static Hello hello(String agent, ActiveRecording active, List<PendingRecording> pending, int hostIndex) {
    return new Hello(Limits.PROTOCOL_VERSION, agent, "pc", "test", List.of(new Screen(0, 0, 0, 320, 240)), active,
        System.currentTimeMillis(), hostIndex, pending);
  }

  @Test
  void pendingUploadsOfAnotherClusterAreTakenAndEncoded() throws Exception {
    String id = UUID.randomUUID().toString();
    long t0 = System.currentTimeMillis() - 60_000;
    try (TestAgent agent = new TestAgent(fx.server.controlPort())) {
      agent.send(hello("dave", null, List.of(new PendingRecording(id, "call-9", t0, t0 + 4000, 2, "cluster-a")), 1));
      Welcome welcome = agent.receive(Welcome.class);
      assertThat(welcome.uploadGrants()).hasSize(1);
      String token = welcome.uploadGrants().get(0).uploadToken();

      JsonNode agents = ServerFixture.json(fx.get("/api/v1/agents"));
      assertThat(agents.get(0).get("role").asText()).isEqualTo("secondary");

      for (int i = 0; i < 2; i++) {
        byte[] seg = RecordingFlowTest.segment(id, i, t0 + i * 2000L, 0x0000FF);
        var put = HttpRequest.newBuilder(URI.create(welcome.uploadUrl() + "/recordings/" + id + "/segments/" + i))
            .header("Authorization", "Bearer " + token).header("X-Segment-Sha256", RecordingFlowTest.sha256(seg))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(seg));
        assertThat(fx.send(put).statusCode()).isEqualTo(201);
      }
      await().atMost(Duration.ofSeconds(60)).until(
          () -> ServerFixture.json(fx.get("/api/v1/recordings/" + id)).get("status").asText(), "READY"::equals);
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
    assertThat(fx.post("/api/v1/calls/call-7/start", "{\"agent\":\"erin\"}").statusCode()).isEqualTo(409);
    String known = UUID.randomUUID().toString();
    try (TestAgent agent = new TestAgent(fx.server.controlPort())) {
      agent.send(hello("erin", new ActiveRecording(known, "call-7", System.currentTimeMillis(), 3, "cluster-a"),
          List.of(), 1));
      Welcome welcome = agent.receive(Welcome.class);
      assertThat(welcome.adoptedRecordingId()).isEqualTo(known);
      assertThat(welcome.uploadToken()).isNotBlank();
      assertThat(ServerFixture.json(fx.get("/api/v1/agents")).get(0).get("state").asText()).isEqualTo("RECORDING");

      // the call ends on this cluster's feed: the adopting server's STOP ends the recording
      fx.post("/api/v1/calls/call-7/end", "");
      Stop stop = agent.receive(Stop.class);
      assertThat(stop.recordingId()).isEqualTo(known);
      agent.send(new Ack(stop.seq(), true, null));
      agent.send(new RecordingStopped(known, 5, 1000, 2000, "stopped by server"));
      await().until(() -> ServerFixture.json(fx.get("/api/v1/recordings/" + known)).get("status").asText(),
          "UPLOADING"::equals);
    }
    String unknown = UUID.randomUUID().toString();
    try (TestAgent agent = new TestAgent(fx.server.controlPort())) {
      agent.send(hello("frank", new ActiveRecording(unknown, "call-unknown", 1000, 0), List.of(), 1));
      assertThat(agent.receive(Welcome.class).adoptedRecordingId()).isNull();
      assertThat(fx.get("/api/v1/recordings/" + unknown).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aClientCannotClaimAnotherAgentsRecording() throws Exception {
    String id = UUID.randomUUID().toString();
    try (TestAgent owner = new TestAgent(fx.server.controlPort())) {
      owner.send(hello("gina", null, List.of(new PendingRecording(id, "c-1", 1000, 2000, 1, "cluster-a")), 0));
      assertThat(owner.receive(Welcome.class).uploadGrants()).hasSize(1);
    }
    try (TestAgent thief = new TestAgent(fx.server.controlPort())) {
      thief.send(hello("mallory", null, List.of(new PendingRecording(id, "c-1", 1000, 2000, 1, "cluster-a")), 0));
      assertThat(thief.receive(Welcome.class).uploadGrants()).isEmpty();
    }
  }
}
