package cz.zoom.screenrec.impl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.impl.controller.fake.FakeClient;
import cz.zoom.screenrec.impl.controller.fake.FakeClientLib;
import cz.zoom.screenrec.impl.controller.fake.FakeDesktop;
import cz.zoom.screenrec.impl.controller.fake.FakeServer;
import cz.zoom.screenrec.impl.controller.fake.LockHolder;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter in its own class loader, supervising real processes: a fake client (the real one
 * needs a server and a display; ControllerJarIT runs that) packed into a bundle by the real
 * BundleBuilder.
 */
class ScreenRecorderStarterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path work;
  Path base;
  FakeServer server;
  LogCapture logs;
  IsolatedController controller;
  final List<Object> starters = new ArrayList<>();
  final List<Process> helpers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectories(work.resolve("tmp"));
    Path bundle = FakeBundle.build(Files.createDirectories(work.resolve("bundle")));
    System.setProperty("screenrec.controller.dir", base.toString());
    System.setProperty("screenrec.controller.bundle", bundle.toString());
    server = new FakeServer();
    logs = new LogCapture();
    controller = IsolatedController.fromBuildOutput();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Object s : starters) {
      IsolatedController.stop(s);
    }
    for (Process p : helpers) {
      p.destroyForcibly();
    }
    // nothing a test started may outlive it, whatever the assertions said
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    for (String p :
        List.of(
            "screenrec.controller.dir",
            "screenrec.controller.bundle",
            "screenrec.client.jvmArgs",
            "screenrec.client.java")) {
      System.clearProperty(p);
    }
    server.close();
    logs.close();
    controller.close();
  }

  private Object start(String agent, String... servers) throws Throwable {
    Object s = controller.startVarargs(agent, servers);
    starters.add(s);
    return s;
  }

  private List<Path> instanceDirs() throws Exception {
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(p -> p.getFileName().toString().startsWith("screenrec-controller-"))
          .collect(Collectors.toList());
    }
  }

  private FakeServer.Hello awaitHello(String agent, int count) {
    await()
        .atMost(WAIT)
        .until(
            () -> server.hellos().stream().filter(h -> h.agent().equals(agent)).count() >= count);
    return server.hellos().stream()
        .filter(h -> h.agent().equals(agent))
        .skip(count - 1)
        .findFirst()
        .orElseThrow();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void startsTheClientWithTheLegacyFlagsQuietlyAndStopRemovesEverything() throws Throwable {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Object starter;
    FakeServer.Hello hello;
    try {
      starter = start("alice", server.hostAndPort(), "127.0.0.2:7003");
      hello = awaitHello("alice", 1);
    } finally {
      System.setOut(oldOut);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).as("host's stdout").isEmpty();

    ProcessHandle client = ProcessHandle.of(hello.pid()).orElseThrow();
    assertThat(client.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
    assertThat(alive(hello.childPid())).isTrue();
    List<Path> dirs = instanceDirs();
    assertThat(dirs).hasSize(1);
    Path dir = dirs.get(0);
    assertThat(client.info().arguments().map(List::of).orElse(List.of()))
        .containsSubsequence("-Dfake.fromBundle=yes", "-cp")
        .containsSubsequence(
            "-agent", "alice", "-host", server.hostAndPort(), "-host", "127.0.0.2:7003");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(dir.resolve("client.log")))
                    .contains(
                        "fake client pid " + hello.pid(),
                        "lib-on-classpath",
                        "fake client stderr line"));
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().startsWith("screenrec-controller"))
        .isNotEmpty()
        .allMatch(Thread::isDaemon);

    IsolatedController.stop(starter);

    assertThat(alive(hello.pid())).as("client").isFalse();
    assertThat(alive(hello.childPid())).as("client's child").isFalse();
    assertThat(ProcessHandle.current().descendants().collect(Collectors.toList())).isEmpty();
    assertThat(dir).doesNotExist();
    IsolatedController.stop(starter);
    assertThat(logs.any(Level.FINE, "stopped")).isTrue();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("screenrec-controller-monitor"));
  }

  @Test
  void aKilledClientIsRestartedAndReconnects() throws Throwable {
    start("bob", server.hostAndPort());
    FakeServer.Hello first = awaitHello("bob", 1);

    ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();

    FakeServer.Hello second = awaitHello("bob", 2);
    assertThat(second.pid()).isNotEqualTo(first.pid());
    assertThat(alive(second.pid())).isTrue();
    // the killed client's own child was re-parented, not left running beside the new client
    await().atMost(WAIT).until(() -> !alive(first.childPid()));
    assertThat(logs.any(Level.WARNING, "exited with code")).isTrue();
  }

  @Test
  void aClientThatKeepsExitingIsRestartedWithBackoffAndLoudly() throws Throwable {
    System.setProperty("screenrec.client.jvmArgs", "-Dfake.exitCode=3");
    start("carol", server.hostAndPort());

    await()
        .atMost(WAIT)
        .until(
            () ->
                logs.any(
                    Level.WARNING, "Restarting the Capture Client for agent 'carol' in 2.0 s"));
    String warning =
        logs.messages(Level.WARNING).stream()
            .filter(m -> m.contains("exited with code 3"))
            .findFirst()
            .orElseThrow();
    assertThat(warning).contains("carol", "fake client pid", "fake client stderr line");
    assertThat(logs.messages(Level.WARNING))
        .anyMatch(m -> m.contains("Restarting the Capture Client for agent 'carol' in 1.0 s"))
        .anyMatch(m -> m.contains("Restarting the Capture Client for agent 'carol' in 2.0 s"));
  }

  @Test
  void aMissingJavaBinaryIsReportedAndStopStillWorks() throws Throwable {
    System.setProperty("screenrec.client.java", work.resolve("no-such-java").toString());
    Object starter = start("dave", server.hostAndPort());
    await()
        .atMost(WAIT)
        .until(() -> logs.any(Level.SEVERE, "Could not start the Capture Client for agent 'dave'"));
    IsolatedController.stop(starter);
    assertThat(instanceDirs()).isEmpty();
  }

  @Test
  void aClientBuiltForANewerJavaIsNotStartedAndSaysWhy() throws Throwable {
    Path main = work.resolve("future-client.jar");
    java.util.jar.Manifest mf = new java.util.jar.Manifest();
    mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, "future.Main");
    try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(main), mf)) {
      jar.putNextEntry(new java.util.zip.ZipEntry("future/Main.class"));
      // class file 99.0: Java 55
      jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 99});
    }
    Path bundle = work.resolve("future-bundle.zip");
    cz.zoom.screenrec.impl.controller.internal.BundleBuilder.build(
        main, "screenrec-client.jar", List.of(), "future", bundle);
    System.setProperty("screenrec.controller.bundle", bundle.toString());

    Object starter = start("ivan", server.hostAndPort());

    await().atMost(WAIT).until(() -> logs.any(Level.SEVERE, "needs Java 55 or newer"));
    assertThat(logs.messages(Level.SEVERE))
        .filteredOn(m -> m.contains("needs Java"))
        .hasSize(1)
        .allMatch(m -> m.contains("screenrec.client.java"));
    assertThat(
            ProcessHandle.current()
                .children()
                .filter(p -> p.info().commandLine().orElse("").contains("future.Main")))
        .isEmpty();
    await().atMost(WAIT).until(() -> instanceDirs().isEmpty());
    IsolatedController.stop(starter);
  }

  @Test
  void leftoversNobodyOwnsAreRemovedAndLiveOnesAreNot() throws Throwable {
    Instant old = Instant.now().minus(Duration.ofHours(2));
    // a crashed desktop's directory: lock file not held by anyone
    Path stale = Files.createDirectories(base.resolve("screenrec-controller-stale"));
    Files.writeString(
        stale.resolve("owner.properties"), "kind=screenrec-controller-instance\npid=999999999\n");
    Files.writeString(stale.resolve("instance.lock"), "");
    Files.writeString(stale.resolve("client.log"), "old\n");
    // one whose starter died before locking it
    Path unlocked = Files.createDirectories(base.resolve("screenrec-controller-nolock"));
    Files.writeString(
        unlocked.resolve("owner.properties"),
        "kind=screenrec-controller-instance\npid=999999999\n");
    Files.writeString(unlocked.resolve("screenrec-client.jar"), "x");
    // a crashed desktop whose client still runs from its directory
    Path orphaned = Files.createDirectories(base.resolve("screenrec-controller-orphan"));
    Files.writeString(
        orphaned.resolve("owner.properties"),
        "kind=screenrec-controller-instance\npid=999999999\n");
    Files.writeString(orphaned.resolve("instance.lock"), "");
    Path orphanJar =
        FakeBundle.jar(
            orphaned.resolve("screenrec-client.jar"),
            FakeClient.class.getName(),
            FakeClient.class,
            FakeClientLib.class);
    Process orphan =
        helper(
            new ProcessBuilder(
                javaBin(),
                "-cp",
                orphanJar.toString(),
                FakeClient.class.getName(),
                "-agent",
                "orphan",
                "-host",
                server.hostAndPort()));
    awaitHello("orphan", 1);
    // another desktop, alive: holds its lock
    Path live = base.resolve("screenrec-controller-live");
    Process holder =
        helper(
            new ProcessBuilder(
                javaBin(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                live.toString()));
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(r.readLine()).isEqualTo("LOCKED");
    }
    // just made: its starter may not have taken the lock yet
    Path young = Files.createDirectories(base.resolve("screenrec-controller-young"));
    // a link must never lead the cleanup out of the temp directory
    Path victim = Files.createDirectories(work.resolve("victim"));
    Files.writeString(
        victim.resolve("owner.properties"), "kind=screenrec-controller-instance\npid=999999999\n");
    Files.writeString(victim.resolve("instance.lock"), "");
    Path link = Files.createSymbolicLink(base.resolve("screenrec-controller-link"), victim);
    Path unrelated = Files.createDirectories(base.resolve("something-else"));
    // same name pattern, not ours (no owner file saying so): e.g. a test kit's client work
    // directory
    Path lookalike = Files.createDirectories(base.resolve("screenrec-controller-lookalike"));
    Files.writeString(lookalike.resolve("instance.lock"), "");
    for (Path p :
        List.of(
            stale,
            stale.resolve("instance.lock"),
            unlocked,
            orphaned,
            orphaned.resolve("instance.lock"),
            live,
            live.resolve("instance.lock"),
            victim,
            victim.resolve("instance.lock"),
            unrelated,
            lookalike,
            lookalike.resolve("instance.lock"))) {
      Files.setLastModifiedTime(p, FileTime.from(old));
    }

    start("erin", server.hostAndPort());

    await().atMost(WAIT).until(() -> logs.any(Level.FINE, "Leftover sweep"));
    assertThat(stale).doesNotExist();
    assertThat(unlocked).doesNotExist();
    assertThat(orphaned).doesNotExist();
    assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
        .as("orphaned client ended")
        .isTrue();
    assertThat(live.resolve("instance.lock")).exists();
    assertThat(holder.isAlive()).isTrue();
    assertThat(young).exists();
    assertThat(link).exists();
    assertThat(victim.resolve("instance.lock")).exists();
    assertThat(unrelated).exists();
    assertThat(lookalike.resolve("instance.lock")).exists();
    awaitHello("erin", 1);
  }

  @Test
  void twoStartersInOneJvmLeaveEachOtherAlone() throws Throwable {
    start("frank", server.hostAndPort());
    FakeServer.Hello frank = awaitHello("frank", 1);
    Path frankDir = instanceDirs().get(0);
    // make frank's directory look abandoned: only the owner check and the lock protect it now.
    // Another process
    // changes the times: setting them here opens and closes the lock file, which drops this JVM's
    // lock on it
    Process touch =
        helper(
            new ProcessBuilder(
                javaBin(),
                "-cp",
                System.getProperty("java.class.path"),
                MakeOld.class.getName(),
                frankDir.resolve("instance.lock").toString(),
                frankDir.toString()));
    assertThat(touch.waitFor()).isZero();

    try (IsolatedController other = IsolatedController.fromBuildOutput()) {
      Object grace = other.start("grace", List.of(server.hostAndPort()));
      starters.add(grace);
      awaitHello("grace", 1);
      await().atMost(WAIT).until(() -> logs.any(Level.FINE, "Leftover sweep"));
      assertThat(frankDir).exists();
      assertThat(alive(frank.pid())).isTrue();
      assertThat(instanceDirs()).hasSize(2);
      // and frank's lock is still held: another process cannot take it
      Process probe =
          helper(
              new ProcessBuilder(
                  javaBin(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LockProbe.class.getName(),
                  frankDir.resolve("instance.lock").toString()));
      assertThat(probe.waitFor()).as("lock probe exit (3 = lock held by someone)").isEqualTo(3);
    }
  }

  @Test
  void aDesktopThatNeverCallsStopStillExitsAndTakesTheClientWithIt() throws Throwable {
    Path classes =
        Path.of(System.getProperty("screenrec.test.controllerClasses", "target/classes"));
    Process desktop =
        helper(
            new ProcessBuilder(
                    javaBin(),
                    "-Dscreenrec.controller.dir=" + base,
                    "-Dscreenrec.controller.bundle="
                        + System.getProperty("screenrec.controller.bundle"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    FakeDesktop.class.getName(),
                    classes.toString(),
                    "henry",
                    server.hostAndPort())
                .redirectError(work.resolve("desktop-stderr.txt").toFile()));
    FakeServer.Hello hello = awaitHello("henry", 1);
    Path dir = instanceDirs().get(0);

    desktop.getOutputStream().close();

    assertThat(desktop.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("desktop JVM exited")
        .isTrue();
    assertThat(new String(desktop.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("STARTED\n");
    assertThat(alive(hello.pid())).as("client").isFalse();
    assertThat(alive(hello.childPid())).as("client's child").isFalse();
    assertThat(dir).doesNotExist();
    // the JDK's default logging (INFO and up to stderr) is in force there: routine events must not
    // show
    assertThat(work.resolve("desktop-stderr.txt")).isEmptyFile();
  }

  @Test
  void rejectsArgumentsTheClientCouldMisread() {
    assertThatThrownBy(() -> controller.startVarargs("", "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> controller.startVarargs("a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> controller.startVarargs("-spool", "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> controller.start("a", List.of("--spool")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> controller.start("a", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Process helper(ProcessBuilder pb) throws Exception {
    if (pb.redirectError() == ProcessBuilder.Redirect.PIPE) {
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    Process p = pb.start();
    helpers.add(p);
    return p;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Sets the modification time of each argument to two hours ago. */
  public static final class MakeOld {
    public static void main(String[] args) throws Exception {
      for (String a : args) {
        Files.setLastModifiedTime(
            Path.of(a), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
      }
    }
  }

  /** Exits 0 if it could lock the file, 3 if someone else holds it. */
  public static final class LockProbe {
    public static void main(String[] args) throws Exception {
      try (var ch =
          java.nio.channels.FileChannel.open(
              Path.of(args[0]), java.nio.file.StandardOpenOption.WRITE)) {
        System.exit(Optional.ofNullable(ch.tryLock()).isPresent() ? 0 : 3);
      }
    }
  }
}
