package cz.zoom.screenrec.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time a process has used so far (user + system, all threads), from Linux's /proc. */
public final class ProcessCpu {
  private static volatile long clockTicksPerSecond;

  private ProcessCpu() {}

  public static Duration of(long pid) {
    String stat;
    try {
      stat =
          Files.readString(
              Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/stat (process gone?)", e);
    }
    // field 2 (comm) is in parentheses and may itself hold spaces and parentheses: parse after the
    // last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // after comm, f[0] is field 3 (state); utime and stime are fields 14 and 15
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return Duration.ofNanos(ticks * 1_000_000_000L / clockTicksPerSecond());
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
