package cz.zoom.screenrec.testkit;

import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A private X display (Xvfb) for real screen capture. Xvfb picks a free display number itself
 * ({@code -displayfd}), so parallel tests and a developer's own displays never collide.
 */
public final class XvfbDisplay implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final ManagedProcess process;
  private final int number;
  private final int width;
  private final int height;

  private XvfbDisplay(ManagedProcess process, int number, int width, int height) {
    this.process = process;
    this.number = number;
    this.width = width;
    this.height = height;
  }

  /** Starts a {@code width}x{@code height}x24 display and returns once it answers clients. */
  public static XvfbDisplay start(int width, int height) {
    Path log = ProcessLogs.newFile("xvfb");
    List<String> cmd =
        List.of(
            "Xvfb",
            "-displayfd",
            "1",
            "-screen",
            "0",
            width + "x" + height + "x24",
            // -noreset: otherwise the server resets (root back to its default) whenever its last
            // client
            // leaves, e.g. right after xsetroot exits and before the capture client connects
            "-nolisten",
            "tcp",
            "-noreset");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(ManagedProcess.nullDevice()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start Xvfb (is package xvfb installed? scripts/install-deps.sh)", e);
    }
    ManagedProcess managed = new ManagedProcess("Xvfb", p, log, cmd);
    try {
      int number = readDisplayNumber(p);
      XvfbDisplay display = new XvfbDisplay(managed, number, width, height);
      Poll.until(
          "display :" + number + " to answer xdpyinfo",
          START_TIMEOUT,
          Duration.ofMillis(50),
          () ->
              display.isAlive()
                  && display.run(List.of("xdpyinfo", "-display", display.name())) == 0);
      return display;
    } catch (TimeoutException | RuntimeException e) {
      String tail = managed.logTail(30);
      managed.kill();
      throw new IllegalStateException(
          "Xvfb did not start: " + e.getMessage() + System.lineSeparator() + tail, e);
    }
  }

  private static int readDisplayNumber(Process p) throws TimeoutException {
    // -displayfd 1: Xvfb writes the number it chose, then a newline, to stdout once it listens
    InputStream stdout = p.getInputStream();
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                BufferedReader r =
                    new BufferedReader(new InputStreamReader(stdout, StandardCharsets.US_ASCII));
                String first = r.readLine();
                Thread drain =
                    new Thread(
                        () -> {
                          try {
                            r.transferTo(java.io.Writer.nullWriter());
                          } catch (IOException ignored) {
                            // Xvfb exited
                          }
                        },
                        "xvfb-stdout");
                drain.setDaemon(true);
                drain.start();
                return first;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      String s = line.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (s == null || !s.trim().matches("\\d+")) {
        throw new IllegalStateException("Xvfb printed no display number (got " + s + ")");
      }
      return Integer.parseInt(s.trim());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading Xvfb's display number failed", e.getCause());
    }
  }

  /** {@code :N}, the value for DISPLAY. */
  public String name() {
    return ":" + number;
  }

  public int number() {
    return number;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Environment for a process that should draw on or capture this display. */
  public Map<String, String> env() {
    return Map.of("DISPLAY", name());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String logTail(int lines) {
    return process.logTail(lines);
  }

  /**
   * Fills the root window with {@code color} and returns the instant the change was on the display:
   * xsetroot clears the window and flushes before it exits, so the instant after its exit is at
   * most a few milliseconds late (its start-up happens before the change).
   */
  public Instant paint(Color color) {
    String hex = String.format("#%02x%02x%02x", color.getRed(), color.getGreen(), color.getBlue());
    int rc = run(List.of("xsetroot", "-display", name(), "-solid", hex));
    Instant done = Instant.now();
    if (rc != 0) {
      throw new IllegalStateException("xsetroot -solid " + hex + " on " + name() + " exited " + rc);
    }
    return done;
  }

  /** Runs an X client (xdotool, xsetroot, ...) against this display and returns its exit code. */
  public int run(List<String> command) {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(ManagedProcess.nullDevice()));
    pb.environment().put("DISPLAY", name());
    try {
      Process p = pb.start();
      if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            command.get(0) + " on " + name() + " did not finish in " + COMMAND_TIMEOUT);
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run "
              + command.get(0)
              + " (install x11-utils, x11-xserver-utils, xdotool: scripts/install-deps.sh)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
  }

  @Override
  public String toString() {
    return "Xvfb " + name() + " " + width + "x" + height + " pid " + process.pid();
  }
}
