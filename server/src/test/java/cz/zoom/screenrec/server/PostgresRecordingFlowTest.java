package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link RecordingFlowTest}'s call-to-video flow with the server's metadata on a real PostgreSQL
 * server (the production setup) instead of the default H2 file. It inherits the flow, so both
 * engines always run the same steps; only the fixture differs.
 */
class PostgresRecordingFlowTest extends RecordingFlowTest {
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
  @BeforeEach
  void start() throws Exception {
    jdbcUrl = postgres.jdbcUrl(postgres.createDatabase());
    fx =
        new ServerFixture(
            dataDir,
            ServerConfig.builder()
                .heartbeatIntervalMs(500)
                .deadPeerTimeoutMs(5_000)
                .helloTimeoutMs(1_000)
                .dbUrl(jdbcUrl)
                .dbUser(postgres.user())
                .dbPassword(postgres.password()));
  }

  /**
   * Runs before the inherited stop(): proves the flow's rows went to PostgreSQL, not to an H2
   * default.
   */
  @AfterEach
  void rowsAreInPostgres() throws Exception {
    List<String> statuses = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status FROM recordings WHERE call_id = 'call-1'")) {
      while (rs.next()) {
        statuses.add(rs.getString(1));
      }
    }
    assertThat(statuses).containsExactly("READY");
  }
}
