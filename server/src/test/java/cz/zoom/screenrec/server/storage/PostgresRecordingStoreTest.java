package cz.zoom.screenrec.server.storage;

import cz.zoom.screenrec.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store on a real PostgreSQL server, the production engine; each test gets a new database. */
class PostgresRecordingStoreTest extends RecordingStoreTest {
  static PostgresServer postgres;
  private DbUrl current;

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
  DbUrl emptyDatabase() {
    current = new DbUrl(postgres.jdbcUrl(postgres.createDatabase()), postgres.user(), postgres.password());
    return current;
  }

  @Override
  DbUrl currentUrl() {
    return current;
  }
}
