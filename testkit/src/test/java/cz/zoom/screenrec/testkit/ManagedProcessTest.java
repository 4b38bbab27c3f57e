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
    ManagedProcess p = ManagedProcess.start("tree", List.of("sh", "-c", "echo started; sleep 600 & sleep 600; wait"),
        Map.of(), ProcessLogs.newFile("tree"));
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
    ManagedProcess p = ManagedProcess.start("trap", List.of("sh", "-c", "trap '' TERM; sleep 600"),
        Map.of(), ProcessLogs.newFile("trap"));
    p.kill();
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void cpuTimeOfAProcessGrowsWhileItWorks() {
    Duration before = ProcessCpu.of(ProcessHandle.current().pid());
    long x = 0;
    long end = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < end) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    assertThat(x).isNotNegative();
    assertThat(ProcessCpu.of(ProcessHandle.current().pid())).isGreaterThan(before.plusMillis(100));
  }

  @Test
  void freePortsAreBindable() throws Exception {
    int port = FreePorts.next();
    try (var s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }
}
