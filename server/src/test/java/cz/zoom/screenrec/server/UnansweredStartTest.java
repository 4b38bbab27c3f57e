package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.ControlServer;
import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingOrigins;
import cz.zoom.screenrec.server.recording.RecordingService;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.storage.Database;
import cz.zoom.screenrec.server.storage.Jdbc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A START the client never acknowledges fails the recording and leaves nothing waiting in the
 * session.
 */
class UnansweredStartTest {
  @TempDir Path dir;

  @Test
  void startWithoutAckFailsTheRecordingAndForgetsTheCommand() throws Exception {
    ServerConfig config =
        ServerConfig.builder()
            .dataDir(dir)
            .bindAddress("127.0.0.1")
            .controlPort(0)
            .httpPort(ServerFixture.freePort())
            .apiToken(ServerFixture.TOKEN)
            .build();
    AgentRegistry agents = new AgentRegistry();
    try (Database database =
        new Database(
            "jdbc:h2:file:" + dir.resolve("db").resolve("screenrec") + ";DB_CLOSE_ON_EXIT=FALSE",
            "sa",
            "",
            config.dbPoolSize())) {
      RecordingStore store = new RecordingStore(new Jdbc(database.dataSource()));
      RecordingService recordings =
          new RecordingService(
              config, store, agents, id -> {}, RecordingOrigins.NONE, Clock.systemUTC());
      try (ControlServer control =
              new ControlServer(
                  config,
                  agents,
                  recordings,
                  new SimpleMeterRegistry(),
                  null,
                  (certificate, hello) -> null);
          TestAgent agent = new TestAgent(control.port())) {
        agent.send(TestAgent.hello("alice"));
        agent.receive(Welcome.class);
        await().until(() -> agents.find("alice").isPresent());

        assertThatThrownBy(() -> recordings.callStarted("call-1", "alice"))
            .isInstanceOfSatisfying(
                Refusal.AgentFailed.class, r -> assertThat(r.code()).isEqualTo("client_refused"));

        Start start = agent.receive(Start.class);
        assertThat(agents.find("alice").orElseThrow().awaitingAck()).isZero();
        assertThat(store.findRecording(start.recordingId()))
            .get()
            .extracting(Recording::status)
            .isEqualTo(RecordingStatus.FAILED);
      }
    }
  }
}
