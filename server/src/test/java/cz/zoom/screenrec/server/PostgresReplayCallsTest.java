package cz.zoom.screenrec.server;

import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ReplayCallsTest} with each cluster's metadata (calls, audio, audit) on a real PostgreSQL
 * server.
 */
class PostgresReplayCallsTest extends ReplayCallsTest {
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
  ServerConfig.Builder base() {
    return ServerConfig.builder()
        .dbUrl(postgres.jdbcUrl(postgres.createDatabase()))
        .dbUser(postgres.user())
        .dbPassword(postgres.password());
  }
}
