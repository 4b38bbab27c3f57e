package cz.zoom.screenrec.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagedProcessTest {

  @Test
  void stopEndsTheWholeTreeAndKeepsTheLog() throws Exception {
    ManagedProcess p =
        ManagedProcess.start(
            "tree",
            List.of("sh", "-c", "echo started; sleep 600 & sleep 600; wait"),
            Map.of(),
            ProcessLogs.newFile("tree"));
    await().atMost(Duration.ofSeconds(10)).until(() -> p.process().descendants().count() >= 2);
    List<ProcessHandle> children = p.process().descendants().toList();
    p.close();
    assertThat(p.isAlive()).isFalse();
    assertThat(children).noneMatch(ManagedProcess::running);
    assertThat(Files.readString(p.logFile())).contains("started");
    assertThat(p.logTail(5)).contains("started");
  }

  @Test
  void killIsImmediate() {
    ManagedProcess p =
        ManagedProcess.start(
            "trap",
            List.of("sh", "-c", "trap '' TERM; sleep 600"),
            Map.of(),
            ProcessLogs.newFile("trap"));
    p.kill();
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void cpuTimeOfAProcessGrowsWhileItWorks() {
    long pid = ProcessHandle.current().pid();
    Duration before = ProcessCpu.of(pid);
    // spins until the kernel has counted 50 ms more; on a loaded machine that takes longer than 50
    // ms
    long x = 0;
    long giveUp = System.nanoTime() + 30_000_000_000L;
    while (ProcessCpu.of(pid).compareTo(before.plusMillis(50)) < 0 && System.nanoTime() < giveUp) {
      for (int i = 0; i < 100_000; i++) {
        x += Long.numberOfTrailingZeros(x + i);
      }
    }
    assertThat(x).isNotNegative();
    assertThat(ProcessCpu.of(pid)).isGreaterThanOrEqualTo(before.plusMillis(50));
  }

  @Test
  void freePortsAreBindable() throws Exception {
    int port = FreePorts.next();
    try (var s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }
}
