package cz.zoom.screenrec.impl.controller.internal;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Ends a process and everything it started, politely first so the client can spool what it
 * captured.
 */
final class ProcessTrees {
  private ProcessTrees() {}

  /** Returns true when the process and all descendants seen are gone. */
  static boolean destroy(ProcessHandle root, Duration grace, Duration forceWait) {
    // taken before the root dies: afterwards its children are re-parented and no longer its
    // descendants
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().collect(Collectors.toList()));
    root.destroy();
    if (!awaitExit(root, grace)) {
      tree.addAll(root.descendants().collect(Collectors.toList()));
      root.destroyForcibly();
      awaitExit(root, forceWait);
    }
    for (ProcessHandle p : tree) {
      if (p.isAlive()) {
        p.destroy();
      }
    }
    boolean allGone = !root.isAlive();
    for (ProcessHandle p : tree) {
      if (!awaitExit(p, Duration.ofMillis(500))) {
        p.destroyForcibly();
        allGone &= awaitExit(p, forceWait);
      }
    }
    return allGone;
  }

  /**
   * Ends processes still running from {@code dir} (their command line names a file in it) that are
   * no longer the client's descendants: children of a client that was killed outright are
   * re-parented, and would go on running after the restart. Returns how many were found.
   */
  static int endStrays(Path dir, Duration grace, Duration forceWait) {
    String marker = dir.toAbsolutePath().toString() + File.separator;
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> strays =
        ProcessHandle.allProcesses()
            .filter(
                p ->
                    p.pid() != self
                        && p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
            .collect(Collectors.toList());
    for (ProcessHandle p : strays) {
      destroy(p, grace, forceWait);
    }
    return strays.size();
  }

  static boolean awaitExit(ProcessHandle p, Duration timeout) {
    if (!p.isAlive()) {
      return true;
    }
    try {
      p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !p.isAlive();
    } catch (ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }
}
