package cz.zoom.screenrec.server;

import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ReplayAuthTest} with users, sessions and the audit log on a real PostgreSQL server. */
class PostgresReplayAuthTest extends ReplayAuthTest {
  static PostgresServer postgres;
  String jdbcUrl;

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
  ServerConfig.Builder config() throws Exception {
    // one database per test; a restart inside a test reuses it
    if (jdbcUrl == null) {
      jdbcUrl = postgres.jdbcUrl(postgres.createDatabase());
    }
    return super.config().dbUrl(jdbcUrl).dbUser(postgres.user()).dbPassword(postgres.password());
  }
}
