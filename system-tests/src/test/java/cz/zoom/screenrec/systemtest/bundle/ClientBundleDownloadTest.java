package cz.zoom.screenrec.systemtest.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.FreePorts;
import cz.zoom.screenrec.testkit.ManagedProcess;
import cz.zoom.screenrec.testkit.ProcessLogs;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client bundle as a desktop administrator uses it: download the self-contained client from a
 * real server's {@code /callrec/plugins/} (the legacy URL, no extension), check its SHA-256 against
 * the server's {@code .sha256}, unpack it with tar, and run its launcher with exactly the legacy
 * ScreenREC.exe flags on an X display. The agent must show as connected, and its own Java runtime
 * must really capture: a short call becomes a READY recording.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientBundleDownloadTest {
  private static final Pattern BUNDLE = Pattern.compile("screenrec-client-binary-(.+)\\.tar\\.gz");

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  @Test
  void theDownloadedBundleRunsWithTheLegacyFlagsAndRecords(@TempDir Path tmp) throws Exception {
    Path plugins = pluginsFolder();
    XvfbDisplay display = processes.add(XvfbDisplay.start(1280, 720));
    display.paint(Color.RED);
    ServerProcess server =
        processes.add(
            ServerProcess.builder()
                .arg("--plugins-dir", plugins.toString())
                // segments every 2 s, so one is uploaded while the short call goes on (the default
                // is 30 s)
                .arg("--segment-duration", "2000")
                .start());
    ScreenRecApi api = server.api();

    // the index names the bundle and the controller jar, with sizes and checksums
    JsonNode index = expect200(api.get("callrec/plugins/")).json();
    String bundleName = null;
    String version = null;
    for (JsonNode f : index) {
      Matcher m = BUNDLE.matcher(f.get("name").asText());
      if (m.matches()) {
        bundleName = m.group(0);
        version = m.group(1);
      }
    }
    assertThat(bundleName).as("client bundle in the index %s", index).isNotNull();
    JsonNode bundleEntry = entry(index, bundleName);

    // the legacy URL without extension, then its checksum file
    byte[] archive =
        expect200(api.get("callrec/plugins/screenrec-client-binary-" + version)).body();
    String checksumFile =
        expect200(api.get("callrec/plugins/screenrec-client-binary-" + version + ".sha256")).text();
    String sha256 = sha256(archive);
    assertThat(checksumFile).isEqualTo(sha256 + "  " + bundleName + "\n");
    assertThat(bundleEntry.get("sha256").asText()).isEqualTo(sha256);
    assertThat(bundleEntry.get("bytes").asLong()).isEqualTo(archive.length);
    assertThat(bundleEntry.get("url").asText()).endsWith("/callrec/plugins/" + bundleName);

    // the controller jar beside it is the real one
    String controllerName = "screenrec-controller-" + version + ".jar";
    byte[] controller = expect200(api.get("callrec/plugins/" + controllerName)).body();
    assertThat(expect200(api.get("callrec/plugins/" + controllerName + ".sha256")).text())
        .isEqualTo(sha256(controller) + "  " + controllerName + "\n");
    assertThat(entry(index, controllerName).get("sha256").asText()).isEqualTo(sha256(controller));
    assertThat(jarEntries(controller))
        .contains("cz/zoom/screenrec/impl/controller/ScreenRecorderStarter.class");

    Path download = tmp.resolve(bundleName);
    Files.write(download, archive);
    Path unpacked = Files.createDirectories(tmp.resolve("opt"));
    run(List.of("tar", "-xzf", download.toString(), "-C", unpacked.toString()));
    Path home = unpacked.resolve("screenrec-client-" + version);
    Path launcher = home.resolve("bin").resolve("screenrec-client");
    assertThat(launcher).isExecutable();
    assertThat(home.resolve("runtime").resolve("bin").resolve("java")).isExecutable();
    assertThat(home.resolve("bin").resolve("screenrec-client.cmd")).isRegularFile();

    // exactly the legacy flags: the second host is a dead fail-over address. The launcher's
    // SCREENREC_JAVA_OPTS moves the default spool (~/.screenrec/spool) into the test's directory:
    // Java takes
    // user.home from the password database, not from HOME.
    String agent = "bundle-" + UUID.randomUUID().toString().substring(0, 8);
    String deadHost = "127.0.0.1:" + FreePorts.next("127.0.0.1");
    List<String> command =
        List.of(
            launcher.toString(),
            "-agent",
            agent,
            "-host",
            server.controlAddress(),
            "-host",
            deadHost);
    Path userHome = Files.createDirectories(tmp.resolve("home"));
    // a desktop enrolled before (by its deployment): its credentials where the client looks by
    // default, so the legacy flags alone get it in
    server.desktop().save(userHome.resolve(".screenrec").resolve("credentials"));
    ManagedProcess client =
        processes.add(
            ManagedProcess.start(
                "bundled client " + agent,
                command,
                Map.of(
                    "DISPLAY",
                    display.name(),
                    "SCREENREC_JAVA_OPTS",
                    "-Duser.home=" + userHome,
                    "JAVA_HOME",
                    "/nonexistent",
                    "PATH",
                    "/usr/bin:/bin"),
                ProcessLogs.newFile("bundle-client-" + agent)));

    ScreenRecApi.Agent connected =
        withLog(client, () -> api.awaitAgent(agent, Duration.ofSeconds(60)));
    assertThat(connected.state()).isEqualTo("IDLE");
    assertThat(connected.clientVersion()).isEqualTo(version);
    assertThat(client.process().info().command())
        .get()
        .asString()
        .as("the client runs on the bundle's own runtime")
        .startsWith(home.toRealPath().toString());
    String runtime = home.resolve("runtime").toRealPath().toString();
    assertThat(descendantsAndSelf(client)).anyMatch(c -> c.startsWith(runtime));

    // the bundled runtime captures the screen: a short call is recorded and encoded
    String callId = "call-" + UUID.randomUUID();
    ScreenRecApi.Call call = api.startCall(callId, agent);
    withLog(client, () -> api.awaitAgentState(agent, "RECORDING", Duration.ofSeconds(20)));
    ScreenRecApi.Recording recording =
        withLog(
            client,
            () -> {
              api.awaitRecording(
                  call.recordingId(),
                  "with a segment",
                  r -> !r.segments().isEmpty(),
                  Duration.ofSeconds(30));
              api.endCall(callId);
              return api.awaitReady(call.recordingId(), Duration.ofMinutes(2));
            });
    assertThat(recording.agent()).isEqualTo(agent);
    assertThat(recording.video()).isNotNull();
    assertThat(Files.exists(userHome.resolve(".screenrec").resolve("spool")))
        .as("default spool under user.home")
        .isTrue();

    client.stop(Duration.ofSeconds(10));
    assertThat(client.isAlive()).isFalse();
    withLog(
        client,
        () -> {
          await().atMost(Duration.ofSeconds(20)).until(() -> api.agent(agent).isEmpty());
          return null;
        });
  }

  /** The build output of module client-bundle, found from the working directory (system-tests). */
  static Path pluginsFolder() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("client-bundle").resolve("target").resolve("plugins");
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "client-bundle/target/plugins is missing above "
            + Path.of("").toAbsolutePath()
            + ": build it first (./mvnw -DskipTests package -pl client-bundle -am)");
  }

  private static JsonNode entry(JsonNode index, String name) {
    for (JsonNode f : index) {
      if (name.equals(f.get("name").asText())) {
        return f;
      }
    }
    throw new AssertionError(name + " is not in the index " + index);
  }

  private static ScreenRecApi.Response expect200(ScreenRecApi.Response r) {
    assertThat(r.status()).as(r.abbreviated()).isEqualTo(200);
    return r;
  }

  private static List<String> descendantsAndSelf(ManagedProcess p) {
    List<String> commands = new ArrayList<>();
    p.process().info().command().ifPresent(commands::add);
    p.process().descendants().forEach(d -> d.info().command().ifPresent(commands::add));
    return commands;
  }

  private static List<String> jarEntries(byte[] jar) throws Exception {
    List<String> names = new ArrayList<>();
    try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
      for (var e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  interface Step<T> {
    T run() throws Exception;
  }

  /**
   * Runs a step; a failure carries the bundled client's log (ProcessGuard knows only testkit's own
   * processes).
   */
  private static <T> T withLog(ManagedProcess client, Step<T> step) throws Exception {
    try {
      return step.run();
    } catch (Exception | AssertionError e) {
      e.addSuppressed(new AssertionError(client + System.lineSeparator() + client.logTail(60)));
      throw e;
    }
  }
}
