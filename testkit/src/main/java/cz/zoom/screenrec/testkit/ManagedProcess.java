package cz.zoom.screenrec.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An operating-system process started by the kit, with its output in a log file. Closing it ends
 * the process and everything it started, so nothing outlives the test or bench that made it.
 */
public class ManagedProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path logFile;
  private final List<String> command;

  protected ManagedProcess(String name, Process process, Path logFile, List<String> command) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.command = List.copyOf(command);
  }

  /** Starts {@code command} with stdout and stderr appended to {@code logFile}. */
  public static ManagedProcess start(
      String name, List<String> command, Map<String, String> env, Path logFile) {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            // no stdin, as under CI: a process that waits for input must not hang a test
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    pb.environment().putAll(env);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.writeString(
          logFile,
          "# " + String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      return new ManagedProcess(name, pb.start(), logFile, command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  public List<String> command() {
    return command;
  }

  /** The last {@code lines} lines of the process's output, for failure messages. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no log at " + logFile + ")";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
      return "---- last "
          + tail.size()
          + " lines of "
          + name
          + " ("
          + logFile
          + ") ----"
          + System.lineSeparator()
          + String.join(System.lineSeparator(), tail);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /** Ends the process tree at once (SIGKILL), as when a machine dies. */
  public void kill() {
    List<ProcessHandle> tree = descendants();
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitExit(Duration.ofSeconds(10));
    awaitTreeExit(tree, Duration.ofSeconds(10));
  }

  /**
   * Asks the process tree to end (SIGTERM, so JVM shutdown hooks run) and kills whatever is left
   * after {@code grace}. Returns true if the process ended within the grace period.
   */
  public boolean stop(Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    List<ProcessHandle> tree = descendants();
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    boolean graceful = awaitExit(grace);
    if (!graceful) {
      process.destroyForcibly();
    }
    awaitTreeExit(tree, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    tree.forEach(
        h -> {
          if (h.isAlive()) {
            h.destroyForcibly();
          }
        });
    awaitExit(Duration.ofSeconds(10));
    awaitTreeExit(tree, Duration.ofSeconds(10));
    return graceful;
  }

  private static void awaitTreeExit(List<ProcessHandle> tree, Duration timeout) {
    // polled: the JDK's onExit() for processes that are not our children backs off to seconds
    long deadline = System.nanoTime() + timeout.toNanos();
    while (tree.stream().anyMatch(ManagedProcess::running) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Alive and not a zombie: an orphan has ended even if its new parent has not reaped it yet. */
  static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat =
          java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc", String.valueOf(h.pid()), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // gone between the two checks, or not Linux (then isAlive had the say)
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  private List<ProcessHandle> descendants() {
    // collected before the parent dies: orphans are re-parented and no longer found from it
    List<ProcessHandle> all = new ArrayList<>();
    process.descendants().forEach(all::add);
    return all;
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  @Override
  public String toString() {
    return name
        + "[pid "
        + process.pid()
        + (process.isAlive() ? "" : ", exited " + process.exitValue())
        + "]";
  }
}
