package cz.zoom.screenrec.server;

import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link RecordingFlowTest}'s call-to-video flow with the server's metadata on a real PostgreSQL
 * server (the production setup) instead of the default H2 file. Inherits the flow itself, so
 * both engines always run the same steps.
 */
class PostgresRecordingFlowTest extends RecordingFlowTest {
  static PostgresServer postgres;

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

  @Override
  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dataDir, ServerConfig.builder().heartbeatIntervalMs(500).deadPeerTimeoutMs(5_000)
        .helloTimeoutMs(1_000)
        .dbUrl(postgres.jdbcUrl(postgres.createDatabase())).dbUser(postgres.user()).dbPassword(postgres.password()));
  }
}
