package cz.zoom.screenrec.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real Capture Client ({@code cz.zoom.screenrec.client.ClientMain}) in its own JVM, recording
 * the given X display, with a private spool directory. It is started, not awaited: whether it
 * connected is the server's to tell ({@link ScreenRecApi#awaitAgent}).
 */
public final class ClientProcess implements AutoCloseable {
  public static final String MAIN_CLASS = "cz.zoom.screenrec.client.ClientMain";

  private final ManagedProcess process;
  private final String agent;
  private final Path spoolDir;
  private final Path workDir;
  private final boolean ownSpool;

  private ClientProcess(
      ManagedProcess process, String agent, Path spoolDir, Path workDir, boolean ownSpool) {
    this.process = process;
    this.agent = agent;
    this.spoolDir = spoolDir;
    this.workDir = workDir;
    this.ownSpool = ownSpool;
  }

  public static Builder builder(String agent) {
    return new Builder(agent);
  }

  public String agent() {
    return agent;
  }

  public Path spoolDir() {
    return spoolDir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return process.logFile();
  }

  public String logTail(int lines) {
    return process.logTail(lines);
  }

  /** SIGKILL, as when the agent's machine loses power. */
  public void kill() {
    process.kill();
  }

  public boolean stop(Duration grace) {
    return process.stop(grace);
  }

  @Override
  public void close() {
    try {
      process.stop(Duration.ofSeconds(10));
    } finally {
      TempDirs.deleteQuietly(workDir);
    }
  }

  @Override
  public String toString() {
    return "client[" + agent + ", pid " + process.pid() + "]";
  }

  public static final class Builder {
    private final String agent;
    private final List<String> hosts = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> extraArgs = new ArrayList<>();
    private Path spoolDir;
    private String classpath;
    private ServerProcess enrollWith;
    private Path credentialsDir;

    private Builder(String agent) {
      this.agent = agent;
      // GTK3 makes java.awt.Robot about 3x faster on JDK 17 (docs: DESIGN "Facts measured")
      jvmArgs.add("-Djdk.gtk.version=3");
    }

    /** Adds a {@code -host}; order matters (the first reachable one is the primary). */
    public Builder host(String hostAndPort) {
      hosts.add(hostAndPort);
      return this;
    }

    /**
     * Adds the server's control port as a {@code -host}. The first server given is the one the
     * client enrolls with (its first token, in the environment as deployment tools hand it over),
     * or, for a --plaintext server, the client speaks in clear.
     */
    public Builder server(ServerProcess server) {
      if (enrollWith == null) {
        enrollWith = server;
      }
      return host(server.controlAddress());
    }

    /** Keeps the desktop's credentials here (e.g. to restart a client on the same desktop). */
    public Builder credentialsDir(Path dir) {
      this.credentialsDir = dir;
      return this;
    }

    public Builder display(XvfbDisplay display) {
      env.putAll(display.env());
      return this;
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** A spool directory kept by the caller (e.g. to restart a client on the same spool). */
    public Builder spoolDir(Path dir) {
      this.spoolDir = dir;
      return this;
    }

    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder arg(String... args) {
      extraArgs.addAll(List.of(args));
      return this;
    }

    public ClientProcess start() {
      if (!env.containsKey("DISPLAY")) {
        throw new IllegalStateException(
            "the client needs a display: call display(xvfb) or env(\"DISPLAY\", ...)");
      }
      Path workDir = TempDirs.create("screenrec-client-");
      boolean ownSpool = spoolDir == null;
      Path spool = ownSpool ? workDir.resolve("spool") : spoolDir;
      List<String> args = new ArrayList<>(List.of("-agent", agent));
      for (String h : hosts) {
        args.add("-host");
        args.add(h);
      }
      args.add("--spool");
      args.add(spool.toString());
      Map<String, String> environment = new LinkedHashMap<>(env);
      if (enrollWith != null && !enrollWith.tls()) {
        args.add("--plaintext");
      } else if (enrollWith != null) {
        args.add("--credentials");
        args.add(
            (credentialsDir != null ? credentialsDir : workDir.resolve("credentials")).toString());
        args.add("--enroll-url");
        args.add(enrollWith.httpUri().toString());
        environment.putIfAbsent("SCREENREC_ENROLL_TOKEN", enrollWith.enrollToken());
      }
      args.addAll(extraArgs);
      String cp =
          classpath != null
              ? classpath
              : JavaLauncher.classpathFor(
                  MAIN_CLASS, "client", "screenrec-client.jar", "server", "encoder", "controller");
      ManagedProcess p =
          ManagedProcess.start(
              "client " + agent,
              JavaLauncher.command(cp, jvmArgs, MAIN_CLASS, args),
              environment,
              ProcessLogs.newFile("client-" + agent));
      return new ClientProcess(p, agent, spool, workDir, ownSpool);
    }
  }
}
