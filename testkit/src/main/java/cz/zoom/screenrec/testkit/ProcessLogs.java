package cz.zoom.screenrec.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where started processes write their output. Logs outlive the processes and their data
 * directories, so a failed test or bench can still be read afterwards. Set {@code
 * -Dscreenrec.logs.dir=DIR} to choose; default is a folder in java.io.tmpdir.
 */
public final class ProcessLogs {
  public static final String DIR_PROPERTY = "screenrec.logs.dir";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private ProcessLogs() {}

  public static Path dir() {
    String d = System.getProperty(DIR_PROPERTY);
    Path dir =
        d != null && !d.isBlank()
            ? Path.of(d)
            : Path.of(System.getProperty("java.io.tmpdir"), "screenrec-logs");
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, unique log file name such as {@code server-20260101-120000-3.log}. */
  public static Path newFile(String prefix) {
    String safe = prefix.replaceAll("[^A-Za-z0-9._-]", "_");
    return dir()
        .resolve(
            safe
                + "-"
                + LocalDateTime.now().format(STAMP)
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + COUNTER.incrementAndGet()
                + ".log");
  }
}
