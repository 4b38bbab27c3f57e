package cz.zoom.screenrec.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The metadata database: one pool, schema migrated by Flyway before anything else touches it. An
 * embedded H2 file database is kept owner-only: its directory is created 0700 before H2 makes its
 * files (H2 creates them, and later ones such as trace files, with the process umask), and the
 * files there at start are set to 0600.
 */
public final class Database implements AutoCloseable {
  private static final String H2_FILE = "jdbc:h2:file:";

  private final HikariDataSource dataSource;

  public Database(String url, String user, String password, int poolSize) throws IOException {
    Path h2 = h2File(url);
    if (h2 != null) {
      OwnerOnly.directories(h2.getParent());
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("screenrec-db");
    config.setConnectionTimeout(10_000);
    this.dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    if (h2 != null) {
      String prefix = h2.getFileName() + ".";
      try (Stream<Path> files = Files.list(h2.getParent())) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
          OwnerOnly.restrict(f);
        }
      }
    }
  }

  /** The database file path (without H2's extensions) of an embedded H2 URL, else null. */
  private static Path h2File(String url) {
    if (url == null || !url.startsWith(H2_FILE)) {
      return null;
    }
    String path = url.substring(H2_FILE.length());
    int options = path.indexOf(';');
    path = options < 0 ? path : path.substring(0, options);
    // "~/..." is H2's home shorthand; such a database is left as H2 makes it
    return path.isEmpty() || path.startsWith("~") ? null : Path.of(path).toAbsolutePath();
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
