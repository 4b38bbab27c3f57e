package cz.zoom.screenrec.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The metadata database: one pool, schema migrated by Flyway before anything else touches it. */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;

  public Database(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(10);
    config.setPoolName("screenrec-db");
    config.setConnectionTimeout(10_000);
    this.dataSource = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** True when a connection can be had and answers a trivial query within a second. */
  public boolean isHealthy() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
