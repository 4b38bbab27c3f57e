package cz.zoom.screenrec.impl.controller.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the Capture Client for one agent as a child process and keeps it running until {@link
 * #stop()}. All work happens on daemon threads; nothing is written to the host's stdout or stderr:
 * the client's output goes to the instance directory's log, our own messages to java.util.logging,
 * routine ones at FINE so that a desktop with the JDK's default logging (INFO and up to stderr)
 * hears only of problems (WARNING, SEVERE).
 */
public final class ClientSupervisor {
  public static final String LOGGER_NAME = "cz.zoom.screenrec.impl.controller";
  static final Logger LOG = Logger.getLogger(LOGGER_NAME);

  static final Duration STOP_GRACE = Duration.ofSeconds(3);
  static final Duration FORCE_WAIT = Duration.ofSeconds(2);
  static final Duration MONITOR_JOIN = Duration.ofSeconds(5);
  static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;
  private static final int TAIL_BYTES = 4096;
  private static final int TAIL_LINES = 20;

  /**
   * Loaded now, while the desktop's class loader is surely open: a desktop may close that loader
   * before the JVM exits, and the shutdown hook must still be able to stop the client.
   */
  @SuppressWarnings("unused")
  private static final Class<?>[] NEEDED_BY_SHUTDOWN_HOOK = {
    ProcessTrees.class,
    InstanceDirectory.class,
    InstanceDirectory.TreeDeleter.class,
    RestartPolicy.Delay.class,
  };

  private final String agent;
  private final List<String> servers;
  private final ControllerSettings settings;
  private final String agentToken;
  private final String label;

  private final Object stateLock = new Object();
  private boolean stopRequested; // guarded by stateLock
  private Process process; // guarded by stateLock
  private InstanceDirectory instance; // guarded by stateLock

  private final Object stopLock = new Object();
  private boolean stopped; // guarded by stopLock
  private Thread monitor;

  /**
   * Own lock: the monitor starts the sweeper while stop() may hold stopLock, waiting for the
   * monitor.
   */
  private final Object sweeperLock = new Object();

  private Thread sweeper; // guarded by sweeperLock
  private Thread shutdownHook;

  public ClientSupervisor(String agent, List<String> servers, ControllerSettings settings) {
    this(agent, servers, settings, null);
  }

  /**
   * @param agentToken the agent's token for servers started with --agent-auth token, or null;
   *     handed to the client in its environment
   */
  public ClientSupervisor(
      String agent, List<String> servers, ControllerSettings settings, String agentToken) {
    this.agent = agent;
    this.servers = List.copyOf(servers);
    this.settings = settings;
    this.agentToken = agentToken;
    this.label = "agent '" + agent + "'";
  }

  /**
   * Validates what goes onto the client's command line; these are programming errors, so they
   * throw.
   */
  public static void validate(String agentName, List<String> servers) {
    if (agentName == null || agentName.isBlank()) {
      throw new IllegalArgumentException("agentName must not be empty");
    }
    checkArgument("agentName", agentName);
    if (servers == null || servers.isEmpty()) {
      throw new IllegalArgumentException("at least one server (host or host:port) is required");
    }
    for (String s : servers) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("servers must not contain empty entries: " + servers);
      }
      checkArgument("server", s);
    }
  }

  private static void checkArgument(String what, String value) {
    // a value starting with '-' would be read by the client as one of its own options
    if (value.startsWith("-") || value.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          what + " must not start with '-' or contain control characters: " + value);
    }
  }

  public void start() {
    synchronized (stopLock) {
      if (monitor != null || stopped) {
        return;
      }
      shutdownHook = newThread(() -> stop(true), "screenrec-controller-shutdown", false);
      try {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        LOG.warning("JVM is shutting down; not starting the Capture Client for " + label);
        stopped = true;
        return;
      }
      monitor = newThread(this::monitorLoop, "screenrec-controller-monitor", true);
      monitor.start();
    }
  }

  private static Thread newThread(Runnable r, String name, boolean daemon) {
    Thread t = new Thread(r, name);
    t.setDaemon(daemon);
    // the JDK's default handler would print to the host's stderr
    t.setUncaughtExceptionHandler(
        (th, e) -> LOG.log(Level.SEVERE, "Unexpected failure in " + th.getName(), e));
    return t;
  }

  private boolean stopRequested() {
    synchronized (stateLock) {
      return stopRequested;
    }
  }

  private void monitorLoop() {
    RestartPolicy policy = new RestartPolicy();
    ClientBundle bundle = null;
    try {
      while (!stopRequested()) {
        long ranMillis = 0;
        try {
          if (bundle == null) {
            bundle = prepare();
            if (bundle == null) {
              return;
            }
          }
          long logOffset = appendLaunchBanner();
          policy.recordStart(nowMillis());
          Process p = launch(bundle);
          if (p == null) {
            return;
          }
          long startedAt = nowMillis();
          LOG.fine(
              "Capture Client for "
                  + label
                  + " started, pid "
                  + p.pid()
                  + ", servers "
                  + servers
                  + ", log "
                  + currentInstance().logFile());
          int code = p.waitFor();
          ranMillis = nowMillis() - startedAt;
          if (stopRequested()) {
            return;
          }
          LOG.warning(
              "Capture Client for "
                  + label
                  + " (pid "
                  + p.pid()
                  + ") exited with code "
                  + code
                  + " after "
                  + formatMillis(ranMillis)
                  + "; it will be restarted. Last output:\n"
                  + tail(currentInstance().logFile(), logOffset));
          int strays = ProcessTrees.endStrays(currentInstance().dir, STOP_GRACE, FORCE_WAIT);
          if (strays > 0) {
            LOG.warning(
                "Ended "
                    + strays
                    + " process(es) the exited Capture Client for "
                    + label
                    + " left running");
          }
        } catch (InterruptedException e) {
          if (stopRequested()) {
            return;
          }
        } catch (IOException | RuntimeException e) {
          if (stopRequested()) {
            return;
          }
          LOG.log(
              Level.SEVERE,
              "Could not "
                  + (bundle == null ? "prepare" : "start")
                  + " the Capture Client for "
                  + label,
              e);
          if (bundle == null) {
            discardInstance();
          }
        }
        RestartPolicy.Delay delay = policy.afterExit(nowMillis(), ranMillis);
        if (delay.rateLimited) {
          LOG.severe(
              "Capture Client for "
                  + label
                  + " was started "
                  + RestartPolicy.MAX_STARTS_PER_WINDOW
                  + " times within "
                  + formatMillis(RestartPolicy.WINDOW_MS)
                  + "; holding restarts for "
                  + formatMillis(delay.millis)
                  + ". Check "
                  + logLocation());
        } else {
          LOG.warning(
              "Restarting the Capture Client for " + label + " in " + formatMillis(delay.millis));
        }
        try {
          Thread.sleep(delay.millis);
        } catch (InterruptedException e) {
          // stop() interrupts; the loop condition decides
        }
      }
    } catch (Throwable t) {
      LOG.log(
          Level.SEVERE,
          "Capture Client monitor for " + label + " failed; the client is no longer supervised",
          t);
    }
  }

  /**
   * Makes the instance directory and extracts the client; null when the client can never run here.
   */
  private ClientBundle prepare() throws IOException {
    InstanceDirectory dir = InstanceDirectory.create(settings.baseDir);
    synchronized (stateLock) {
      if (stopRequested) {
        dir.close();
        return null;
      }
      instance = dir;
    }
    startSweeper(dir.dir);
    ClientBundle bundle;
    try (InputStream in = openBundle()) {
      bundle = ClientBundle.extract(in, dir.dir);
    }
    int required = bundle.requiredJavaFeature(dir.dir);
    int current = Runtime.version().feature();
    if (settings.javaIsCurrentJvm && required > current) {
      LOG.severe(
          "The Capture Client needs Java "
              + required
              + " or newer, but this desktop runs Java "
              + current
              + ". Set -D"
              + ControllerSettings.JAVA
              + "=<path to a Java "
              + required
              + " java binary>. Not starting it for "
              + label
              + ".");
      discardInstance();
      return null;
    }
    LOG.fine("Extracted Capture Client " + bundle.version + " to " + dir.dir);
    return bundle;
  }

  private InputStream openBundle() throws IOException {
    if (settings.bundleOverride != null) {
      return Files.newInputStream(settings.bundleOverride);
    }
    InputStream in = ClientSupervisor.class.getResourceAsStream(ClientBundle.RESOURCE);
    if (in == null) {
      throw new IOException(
          "this controller jar contains no Capture Client ("
              + ClientBundle.RESOURCE
              + " missing); it was built without the client module");
    }
    return in;
  }

  private void startSweeper(Path ownDir) {
    synchronized (sweeperLock) {
      if (sweeper != null) {
        return;
      }
      LeftoverSweeper s =
          new LeftoverSweeper(LOG, settings.baseDir.toAbsolutePath().normalize(), ownDir);
      sweeper = newThread(s::sweep, "screenrec-controller-cleanup", true);
      sweeper.start();
    }
  }

  private Process launch(ClientBundle bundle) throws IOException {
    InstanceDirectory dir = currentInstance();
    List<String> cmd = new ArrayList<>();
    cmd.add(settings.javaBinary.toString());
    cmd.addAll(bundle.jvmOptions);
    cmd.addAll(settings.jvmArgs);
    // an explicit class path, not -jar: it does not depend on how the client's manifest spells its
    // libraries
    List<String> cp = new ArrayList<>();
    for (Path p : bundle.classPathIn(dir.dir)) {
      cp.add(p.toString());
    }
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, cp));
    cmd.add(bundle.mainClass);
    cmd.add("-agent");
    cmd.add(agent);
    for (String s : servers) {
      cmd.add("-host");
      cmd.add(s);
    }
    cmd.addAll(settings.clientArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.logFile().toFile()));
    if (settings.enrollToken != null) {
      pb.environment().put(ControllerSettings.ENROLL_TOKEN_ENV, settings.enrollToken);
    }
    if (agentToken != null) {
      pb.environment().put(ControllerSettings.AGENT_TOKEN_ENV, agentToken);
    }
    // stdin stays a pipe we never close: it reaches EOF only when this JVM is gone
    synchronized (stateLock) {
      if (stopRequested) {
        return null;
      }
      process = pb.start();
      dir.recordClient(process.toHandle());
      return process;
    }
  }

  private InstanceDirectory currentInstance() {
    synchronized (stateLock) {
      return instance;
    }
  }

  private void discardInstance() {
    InstanceDirectory dir;
    synchronized (stateLock) {
      dir = instance;
      instance = null;
    }
    if (dir != null) {
      try {
        dir.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "Could not delete " + dir.dir, e);
      }
    }
  }

  /** Rotates an oversized log, writes a banner, and returns where this run's output starts. */
  private long appendLaunchBanner() throws IOException {
    Path log = currentInstance().logFile();
    if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
      Files.move(
          log,
          log.resolveSibling(InstanceDirectory.LOG_FILE + ".1"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    String banner = "=== " + Instant.now() + " starting Capture Client for " + label + " ===\n";
    Files.write(
        log,
        banner.getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return Files.size(log);
  }

  private String logLocation() {
    InstanceDirectory dir = currentInstance();
    return dir == null ? "the controller log" : dir.logFile().toString();
  }

  static String tail(Path log, long from) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, f.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) Math.max(0, f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
      int first = Math.max(0, lines.length - TAIL_LINES);
      StringBuilder sb = new StringBuilder();
      for (int i = first; i < lines.length; i++) {
        sb.append("    | ").append(lines[i]).append('\n');
      }
      return sb.length() == 0 ? "    (no output)" : sb.toString();
    } catch (IOException e) {
      return "    (log unreadable: " + e + ")";
    }
  }

  /**
   * Ends supervision: no further restarts, the client and its descendants are ended (politely, then
   * forcibly, within a few seconds), the lock is released and the directory deleted. Idempotent;
   * concurrent callers return once the first has finished.
   */
  public void stop() {
    stop(false);
  }

  private void stop(boolean fromShutdownHook) {
    synchronized (stopLock) {
      if (stopped) {
        return;
      }
      stopped = true;
      Process p;
      synchronized (stateLock) {
        stopRequested = true;
        p = process;
      }
      if (monitor != null) {
        monitor.interrupt();
      }
      synchronized (sweeperLock) {
        if (sweeper != null) {
          sweeper.interrupt();
        }
      }
      if (p != null && !ProcessTrees.destroy(p.toHandle(), STOP_GRACE, FORCE_WAIT)) {
        LOG.warning(
            "Capture Client for "
                + label
                + " (pid "
                + p.pid()
                + ") or one of its processes did not end");
      }
      joinQuietly(monitor, MONITOR_JOIN);
      InstanceDirectory dir = currentInstance();
      if (dir != null) {
        ProcessTrees.endStrays(dir.dir, STOP_GRACE, FORCE_WAIT);
      }
      discardInstance();
      if (!fromShutdownHook && shutdownHook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down; the hook will find us stopped
        }
      }
      LOG.fine("Capture Client for " + label + " stopped");
    }
  }

  private static void joinQuietly(Thread t, Duration timeout) {
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (t.isAlive()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  static String formatMillis(long ms) {
    return ms < 10_000 ? String.format("%.1f s", ms / 1000.0) : (ms / 1000) + " s";
  }

  @Override
  public String toString() {
    InstanceDirectory dir = currentInstance();
    return "Capture Client supervisor for " + label + (dir == null ? "" : " in " + dir.dir);
  }
}
