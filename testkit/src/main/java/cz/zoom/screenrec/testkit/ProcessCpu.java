package cz.zoom.screenrec.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** CPU time a process has used so far (user + system, all threads), from Linux's /proc. */
public final class ProcessCpu {
  private static volatile long clockTicksPerSecond;

  private ProcessCpu() {}

  public static Duration of(long pid) {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    try {
      return Duration.ofNanos(ticksToNanos(stat));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stat + " (process gone?)", e);
    }
  }

  /** utime + stime of a /proc stat file (a process's or a thread's). */
  private static long ticksToNanos(Path statFile) throws IOException {
    String stat = Files.readString(statFile, StandardCharsets.US_ASCII);
    // field 2 (comm) is in parentheses and may itself hold spaces and parentheses: parse after the
    // last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // after comm, f[0] is field 3 (state); utime and stime are fields 14 and 15
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1_000_000_000L / clockTicksPerSecond();
  }

  /**
   * CPU time each of a JVM's JIT compiler threads ("C1/C2 CompilerThread") has used so far, by
   * thread id. Compilation is a one-off of a young process, not work for its callers: a bench takes
   * it out with {@link #compilerNanosBetween}.
   */
  public static Map<Long, Long> compilerThreadNanos(long pid) {
    Map<Long, Long> nanos = new HashMap<>();
    Path tasks = Path.of("/proc", String.valueOf(pid), "task");
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path t : threads) {
        try {
          String comm = Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII).trim();
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            nanos.put(Long.parseLong(t.getFileName().toString()), ticksToNanos(t.resolve("stat")));
          }
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tasks + " (process gone?)", e);
    }
    return nanos;
  }

  /**
   * What the compiler threads used between two snapshots. A compiler thread that ended in between
   * is not counted, so this errs low (and what it is subtracted from errs high).
   */
  public static long compilerNanosBetween(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  static long clockTicksPerSecond() {
    long t = clockTicksPerSecond;
    if (t == 0) {
      t = 100; // USER_HZ on every mainstream Linux; getconf tells when it differs
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() == 0 && out.matches("\\d+")) {
          t = Long.parseLong(out);
        }
      } catch (IOException e) {
        // keep the default
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      clockTicksPerSecond = t;
    }
    return t;
  }
}
