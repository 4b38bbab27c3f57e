package cz.zoom.screenrec.systemtest.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.JavaLauncher;
import cz.zoom.screenrec.testkit.ManagedProcess;
import cz.zoom.screenrec.testkit.ProcessLogs;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service mode: one service on the host, two sessions (two X displays, two logins mapped to two
 * agents) each with its own capture process talking to the service over a Unix-domain socket, a
 * real server. A call for each agent must record that agent's own display: red for one, blue for
 * the other, checked in the videos the server encodes.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ServiceModeTest {
  static final String MAIN = "cz.zoom.screenrec.service.ServiceMain";

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  private final List<ManagedProcess> ours = new ArrayList<>();

  @Test
  void eachSessionIsRecordedUnderItsOwnAgentShowingItsOwnDisplay(@TempDir Path tmp)
      throws Exception {
    XvfbDisplay displayA = processes.add(XvfbDisplay.start(800, 600));
    XvfbDisplay displayB = processes.add(XvfbDisplay.start(800, 600));
    displayA.paint(Color.RED);
    displayB.paint(Color.BLUE);
    ServerProcess server = processes.add(ServerProcess.builder().segmentDurationMs(2_000).start());
    ScreenRecApi api = server.api();

    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String agentA = "agent-a-" + suffix;
    String agentB = "agent-b-" + suffix;
    Path map = tmp.resolve("agents.map");
    Files.writeString(map, "# login=agent\nalice=" + agentA + "\nbob=" + agentB + "\n");
    Path socketDir = tmp.resolve("run");
    Path socket = socketDir.resolve("service.sock");
    String cp =
        JavaLauncher.classpathFor(
            MAIN, "service", "screenrec-service.jar", "server", "encoder", "controller");

    ManagedProcess service =
        start(
            "service",
            JavaLauncher.command(
                cp,
                List.of(),
                MAIN,
                List.of(
                    "-host",
                    server.controlAddress(),
                    "--agent-map",
                    map.toString(),
                    "--socket-dir",
                    socketDir.toString(),
                    "--spool",
                    tmp.resolve("spool").toString(),
                    // the host enrolls once, as one desktop, with the server's first token
                    "--credentials",
                    tmp.resolve("credentials").toString(),
                    "--enroll-url",
                    server.httpUri().toString())),
            Map.of("SCREENREC_ENROLL_TOKEN", server.enrollToken()));
    awaitOrLog(() -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS), Duration.ofSeconds(60));
    Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(socketDir);
    assertThat(dirPerms)
        .as("socket directory %s", socketDir)
        .doesNotContain(
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    ManagedProcess captureA =
        start(
            "capture-alice",
            JavaLauncher.command(
                cp,
                List.of("-Djdk.gtk.version=3"),
                MAIN,
                List.of("capture", "--socket", socket.toString(), "--login", "alice")),
            displayA.env());
    ManagedProcess captureB =
        start(
            "capture-bob",
            JavaLauncher.command(
                cp,
                List.of("-Djdk.gtk.version=3"),
                MAIN,
                List.of("capture", "--socket", socket.toString(), "--login", "bob")),
            displayB.env());

    ScreenRecApi.Agent a = awaitAgent(api, agentA);
    ScreenRecApi.Agent b = awaitAgent(api, agentB);
    assertThat(a.machine()).endsWith(displayA.name());
    assertThat(b.machine()).endsWith(displayB.name());
    assertThat(a.clientVersion()).contains("service");
    // both sessions' control connections come from the one service process; it listens on no TCP
    // port
    assertThat(listeningTcpSockets(service.pid())).as("TCP ports the service listens on").isEmpty();
    assertThat(listeningTcpSockets(captureA.pid())).isEmpty();

    String callA = "call-a-" + suffix;
    String callB = "call-b-" + suffix;
    String recA = api.startCall(callA, agentA).recordingId();
    String recB = api.startCall(callB, agentB).recordingId();
    // two segments of each, so the recordings span more than one IPC segment hand-over
    for (String rec : List.of(recA, recB)) {
      logged(
          () ->
              api.awaitRecording(
                  rec, "with 2 segments", r -> r.segments().size() >= 2, Duration.ofSeconds(60)));
    }
    api.endCall(callA);
    api.endCall(callB);
    ScreenRecApi.Recording recordingA = logged(() -> api.awaitReady(recA, Duration.ofMinutes(2)));
    ScreenRecApi.Recording recordingB = logged(() -> api.awaitReady(recB, Duration.ofMinutes(2)));
    assertThat(recordingA.agent()).isEqualTo(agentA);
    assertThat(recordingB.agent()).isEqualTo(agentB);
    assertThat(recordingA.segments())
        .extracting(ScreenRecApi.Segment::index)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, recordingA.segments().size()).boxed().toList());

    assertThat(meanColours(api, recordingA, tmp))
        .as("colours of %s's video", agentA)
        .allMatch(c -> near(c, Color.RED));
    assertThat(meanColours(api, recordingB, tmp))
        .as("colours of %s's video", agentB)
        .allMatch(c -> near(c, Color.BLUE));

    // a session that logs off takes its agent offline; the other session stays
    assertThat(captureA.stop(Duration.ofSeconds(15))).isTrue();
    logged(
        () -> {
          await().atMost(Duration.ofSeconds(20)).until(() -> api.agent(agentA).isEmpty());
          return null;
        });
    assertThat(api.agent(agentB)).isPresent();
    assertThat(service.isAlive()).isTrue();
    assertThat(captureB.isAlive()).isTrue();
  }

  private ManagedProcess start(String name, List<String> command, Map<String, String> env) {
    ManagedProcess p =
        processes.add(ManagedProcess.start(name, command, env, ProcessLogs.newFile(name)));
    ours.add(p);
    return p;
  }

  private ScreenRecApi.Agent awaitAgent(ScreenRecApi api, String agent) throws Exception {
    return logged(() -> api.awaitAgent(agent, Duration.ofSeconds(60)));
  }

  /** Colours at a quarter, half and three quarters of the video, in its centre. */
  private static List<Color> meanColours(ScreenRecApi api, ScreenRecApi.Recording rec, Path tmp)
      throws IOException {
    Path video = api.downloadVideo(rec.id(), tmp.resolve(rec.id() + ".video"));
    List<Color> colours = new ArrayList<>();
    try (VideoProbe probe = VideoProbe.open(video)) {
      int side = Math.min(probe.width(), probe.height()) / 4;
      long d = probe.durationMs();
      for (long ms : List.of(d / 4, d / 2, d * 3 / 4)) {
        colours.add(
            new Color(
                probe.meanRgbAt(
                    ms, (probe.width() - side) / 2, (probe.height() - side) / 2, side, side)));
      }
    }
    return colours;
  }

  private static boolean near(Color actual, Color expected) {
    return Math.abs(actual.getRed() - expected.getRed()) <= 48
        && Math.abs(actual.getGreen() - expected.getGreen()) <= 48
        && Math.abs(actual.getBlue() - expected.getBlue()) <= 48;
  }

  /**
   * Inodes of the process's sockets that are TCP sockets in LISTEN state (/proc/net/tcp{,6}, state
   * 0A).
   */
  static Set<String> listeningTcpSockets(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    Set<String> listening = new HashSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && "0A".equals(f[3]) && inodes.contains(f[9])) {
          listening.add(table + " " + f[1]);
        }
      }
    }
    return listening;
  }

  private void awaitOrLog(java.util.concurrent.Callable<Boolean> condition, Duration timeout)
      throws Exception {
    logged(
        () -> {
          await().atMost(timeout).until(condition);
          return null;
        });
  }

  interface Step<T> {
    T run() throws Exception;
  }

  /**
   * A failing step carries the service's and capture processes' logs (ProcessGuard knows only
   * testkit's types).
   */
  private <T> T logged(Step<T> step) throws Exception {
    try {
      return step.run();
    } catch (Exception | AssertionError e) {
      for (ManagedProcess p : ours) {
        e.addSuppressed(new AssertionError(p + System.lineSeparator() + p.logTail(60)));
      }
      throw e;
    }
  }
}
