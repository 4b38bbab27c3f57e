package cz.zoom.screenrec.server.storage;

import cz.zoom.screenrec.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store on a real PostgreSQL server, the production engine. */
class PostgresRecordingStoreTest extends RecordingStoreTest {
  static PostgresServer postgres;
  static DbUrl db;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
    db =
        new DbUrl(
            postgres.jdbcUrl(postgres.createDatabase()), postgres.user(), postgres.password());
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  DbUrl emptyDatabase() throws Exception {
    // a new schema takes milliseconds where CREATE DATABASE takes a large part of a second;
    // Flyway's history table lives in it too, so every test migrates from nothing
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return db;
  }

  @Override
  DbUrl currentUrl() {
    return db;
  }
}
