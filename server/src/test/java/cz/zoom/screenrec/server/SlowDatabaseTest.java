package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.HeartbeatAck;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control port on a database that does not answer: a real PostgreSQL whose recordings table
 * another connection holds locked, so every HELLO that reports a recording waits. Heartbeats of the
 * connected clients are still answered well within the dead-peer timeout, and clients that need no
 * database still get in, while those HELLOs hold the control threads.
 */
class SlowDatabaseTest {
  static final long HEARTBEAT_MS = 500;
  static final long DEAD_PEER_MS = 2_000;
  static PostgresServer postgres;
  @TempDir Path dataDir;
  String jdbcUrl;
  ServerFixture fx;
  Connection locker;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    jdbcUrl = postgres.jdbcUrl(postgres.createDatabase());
    fx =
        new ServerFixture(
            dataDir,
            ServerConfig.builder()
                .heartbeatIntervalMs(HEARTBEAT_MS)
                .deadPeerTimeoutMs(DEAD_PEER_MS)
                .helloTimeoutMs(3_000)
                .controlThreads(2)
                .dbPoolSize(3)
                .dbUrl(jdbcUrl)
                .dbUser(postgres.user())
                .dbPassword(postgres.password()));
  }

  @AfterEach
  void stop() throws Exception {
    if (locker != null) {
      locker.close();
    }
    fx.close();
  }

  private void lockRecordings() throws SQLException {
    locker = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
    locker.setAutoCommit(false);
    try (Statement s = locker.createStatement()) {
      s.execute("LOCK TABLE recordings IN ACCESS EXCLUSIVE MODE");
    }
  }

  private void unlockRecordings() throws SQLException {
    locker.commit();
  }

  /** Statements of this database waiting for a lock, as PostgreSQL reports them. */
  private int waitingForLock() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * A HELLO that reports a recording in progress: the server must look it up in the recordings
   * table.
   */
  private static Hello helloWithRecording(String agent) {
    return new Hello(
        Limits.PROTOCOL_VERSION,
        agent,
        "pc",
        "test",
        List.of(new Screen(0, 0, 0, 320, 240)),
        new ActiveRecording(
            UUID.randomUUID().toString(), "call-" + agent, System.currentTimeMillis(), 0),
        System.currentTimeMillis());
  }

  private static TestAgent welcomed(ServerFixture fx, String agent) throws Exception {
    TestAgent a = fx.agent();
    a.send(TestAgent.hello(agent));
    a.receive(Welcome.class);
    return a;
  }

  /** Sends one HEARTBEAT and returns how long its answer took, in ms. */
  private static long heartbeatRoundTrip(TestAgent agent, long seq) throws Exception {
    long t0 = System.nanoTime();
    agent.send(new Heartbeat(seq, System.currentTimeMillis(), 0, -1));
    assertThat(agent.receive(HeartbeatAck.class).seq()).isEqualTo(seq);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void heartbeatsAreAnsweredWhileHellosWaitForTheDatabase() throws Exception {
    try (TestAgent alice = welcomed(fx, "alice");
        TestAgent bob = fx.agent();
        TestAgent erin = fx.agent()) {
      lockRecordings();
      bob.send(helloWithRecording("bob"));
      erin.send(helloWithRecording("erin"));
      // both control threads now wait for PostgreSQL
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLock() == 2);

      long[] seq = {0};
      // three dead-peer timeouts: a client left unanswered for one would have dropped its session
      await()
          .during(Duration.ofMillis(3 * DEAD_PEER_MS))
          .atMost(Duration.ofMillis(3 * DEAD_PEER_MS + 2_000))
          .pollInterval(Duration.ofMillis(HEARTBEAT_MS))
          .until(
              () ->
                  heartbeatRoundTrip(alice, ++seq[0]) < DEAD_PEER_MS / 2 && waitingForLock() == 2);

      unlockRecordings();
      // the waiting HELLOs finish in order: nothing this cluster knows to adopt
      assertThat(bob.receive(Welcome.class).adoptedRecordingId()).isNull();
      assertThat(erin.receive(Welcome.class).adoptedRecordingId()).isNull();
      assertThat(heartbeatRoundTrip(alice, ++seq[0])).isLessThan(DEAD_PEER_MS / 2);
    }
  }

  @Test
  void clientsThatNeedNoDatabaseGetInWhileAHelloWaits() throws Exception {
    try (TestAgent bob = fx.agent()) {
      lockRecordings();
      bob.send(helloWithRecording("bob"));
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLock() == 1);

      // one control thread is held by bob's HELLO; the other serves every other session in turn
      try (TestAgent carol = welcomed(fx, "carol");
          TestAgent dave = welcomed(fx, "dave")) {
        assertThat(heartbeatRoundTrip(carol, 1)).isLessThan(DEAD_PEER_MS / 2);
        assertThat(heartbeatRoundTrip(dave, 1)).isLessThan(DEAD_PEER_MS / 2);
      }
      assertThat(waitingForLock()).isEqualTo(1);
      unlockRecordings();
      bob.receive(Welcome.class);
    }
  }

  @Test
  void aHeartbeatBeforeWelcomeIsRefused() throws Exception {
    try (TestAgent bob = fx.agent()) {
      lockRecordings();
      bob.send(helloWithRecording("bob"));
      // at once: the HELLO cannot have been answered, and no dead-peer silence can come first
      bob.send(new Heartbeat(1, System.currentTimeMillis(), 0, -1));
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLock() == 1);
      unlockRecordings();

      // the refusal keeps its place behind the HELLO
      bob.receive(Welcome.class);
      ErrorMessage error = bob.receive(ErrorMessage.class);
      assertThat(error.code()).isEqualTo(ErrorCode.UNEXPECTED_MESSAGE);
      assertThat(bob.closedByPeer()).isTrue();
    }
  }
}
