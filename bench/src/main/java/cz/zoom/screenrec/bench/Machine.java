package cz.zoom.screenrec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every bench records of the machine it ran on. */
public final class Machine {
  private Machine() {}

  /** 1, 5 and 15 minute load averages: other work on the machine skews every figure here. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
