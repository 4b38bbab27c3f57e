package cz.zoom.screenrec.systemtest.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** SIGSTOP and SIGCONT for processes a test started: a server that is stalled rather than dead. */
final class Signals {
  private Signals() {}

  /** Freezes the process: its sockets stay open and accept connections, but nothing answers. */
  static void stop(long pid) {
    send("STOP", pid);
  }

  static void cont(long pid) {
    send("CONT", pid);
  }

  /** The process state letter from /proc (T = stopped, Z = zombie, ...), or '?' when it is gone. */
  static char state(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      return '?';
    }
  }

  private static void send(String signal, long pid) {
    try {
      // the shell's kill builtin: no dependency on a procps or util-linux kill binary
      Process p =
          new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kill -" + signal + " " + pid + " did not finish");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " exited " + p.exitValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
