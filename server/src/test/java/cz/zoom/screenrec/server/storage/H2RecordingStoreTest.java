package cz.zoom.screenrec.server.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on the default engine: an H2 file database, as the server opens it without --db-url.
 */
class H2RecordingStoreTest extends RecordingStoreTest {
  @TempDir Path dir;
  private DbUrl current;
  private int opened;

  @Override
  DbUrl emptyDatabase() {
    // the server's own default URL shape (ServerConfig), so the test runs what production runs
    current =
        new DbUrl(
            "jdbc:h2:file:"
                + dir.resolve("db-" + opened++).resolve("screenrec")
                + ";DB_CLOSE_ON_EXIT=FALSE",
            "sa",
            "");
    return current;
  }

  @Override
  DbUrl currentUrl() {
    return current;
  }
}
