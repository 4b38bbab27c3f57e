package cz.zoom.screenrec.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx from the MUS means the segment is in the database; the client then deletes its copy. So a
 * commit on the default database (H2 file, URL from {@link ServerConfig}) must survive the server
 * process dying right after it (kill -9, OOM kill), not only a clean shutdown.
 */
class H2CommitSurvivesKillTest {
  @TempDir Path dir;

  @Test
  void aCommittedRowSurvivesTheProcessHaltingRightAfterTheCommit() throws Exception {
    String url = ServerConfig.builder().dataDir(dir).build().dbUrl();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                cp,
                CommitThenHalt.class.getName(),
                url)
            .redirectErrorStream(true)
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as("child output").contains("committed");
    assertThat(child.exitValue()).as(out).isEqualTo(CommitThenHalt.HALTED);

    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM acknowledged")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  /** Commits one row and halts at once: no shutdown hook, no database close, as under SIGKILL. */
  public static final class CommitThenHalt {
    static final int HALTED = 9;

    public static void main(String[] args) throws Exception {
      Connection c = DriverManager.getConnection(args[0], "sa", "");
      for (String sql :
          List.of("CREATE TABLE acknowledged(id INT)", "INSERT INTO acknowledged VALUES (1)")) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        }
      }
      System.out.println("committed");
      System.out.flush();
      Runtime.getRuntime().halt(HALTED);
    }
  }
}
