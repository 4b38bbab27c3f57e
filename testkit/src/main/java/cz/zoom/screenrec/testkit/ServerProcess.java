package cz.zoom.screenrec.testkit;

import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.DesktopCredentials;
import cz.zoom.screenrec.trust.Enroller;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.OwnerOnly;
import cz.zoom.screenrec.trust.Pem;
import cz.zoom.screenrec.trust.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * The real server ({@code cz.zoom.screenrec.server.ServerMain}) in its own JVM, on free loopback
 * ports, with a private data directory. Start with {@link #builder()}; close ends the process and
 * deletes the data directory unless it was given by the caller.
 */
public final class ServerProcess implements AutoCloseable {
  public static final String MAIN_CLASS = "cz.zoom.screenrec.server.ServerMain";
  private static final int START_ATTEMPTS = 3;

  private final ManagedProcess process;
  private final Builder config;
  private final int controlPort;
  private final int httpPort;
  private final Path dataDir;
  private final boolean ownDataDir;
  private final ScreenRecApi api;
  private DesktopCredentials desktop;

  private ServerProcess(
      ManagedProcess process,
      Builder config,
      int controlPort,
      int httpPort,
      Path dataDir,
      boolean ownDataDir) {
    this.process = process;
    this.config = config;
    this.controlPort = controlPort;
    this.httpPort = httpPort;
    this.dataDir = dataDir;
    this.ownDataDir = ownDataDir;
    this.api =
        new ScreenRecApi(httpUri(), config.apiToken, config.plaintext ? null : trust(dataDir));
    if (!config.plaintext) {
      TestTrust.add(caIn(dataDir));
    }
  }

  /** Whether the server speaks TLS on both ports (the default; not with --plaintext). */
  public boolean tls() {
    return !config.plaintext;
  }

  /** The cluster CA the server made in its data dir, which its users trust. */
  public X509Certificate caCertificate() {
    return caIn(dataDir);
  }

  /** The server's first enrollment token, {@code <data-dir>/enroll-token}. */
  public String enrollToken() {
    try {
      return Files.readString(dataDir.resolve("enroll-token")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A desktop enrolled with this server's first token, made on the first call: for connections
   * written by hand (RawControlConnection), which must show a desktop certificate as a client does.
   */
  public synchronized DesktopCredentials desktop() {
    if (desktop == null) {
      try {
        desktop =
            Enroller.enroll(httpUri(), EnrollmentToken.parse(enrollToken()), "testkit-desktop");
      } catch (Enroller.EnrollmentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return desktop;
  }

  /** A raw control connection as {@link #desktop()} (in clear to a --plaintext server). */
  public RawControlConnection rawConnection() {
    return tls()
        ? RawControlConnection.open(bind(), controlPort, desktop().sslContext())
        : RawControlConnection.open(bind(), controlPort);
  }

  /**
   * One new cluster CA, written into each data dir's {@code tls/} before its server first starts:
   * the two clusters of a pair then trust each other's desktops and certificates
   * (docs/security.md).
   */
  public static void shareNewClusterCa(Path... dataDirs) {
    CertificateAuthority ca =
        CertificateAuthority.create("ScreenRec cluster CA (shared)", Duration.ofDays(365));
    for (Path dir : dataDirs) {
      Path tls = dir.resolve("tls");
      OwnerOnly.directory(dir);
      OwnerOnly.directory(tls);
      OwnerOnly.write(tls.resolve("ca-key.pem"), Pem.of(ca.key()));
      OwnerOnly.write(tls.resolve("ca.pem"), Pem.of(ca.certificate()));
    }
  }

  static X509Certificate caIn(Path dataDir) {
    return Pem.certificates(Pem.read(dataDir.resolve("tls").resolve("ca.pem"))).get(0);
  }

  static SSLContext trust(Path dataDir) {
    return Tls.clientContext(List.of(caIn(dataDir)), null, null);
  }

  public static Builder builder() {
    return new Builder();
  }

  public int controlPort() {
    return controlPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public String bind() {
    return config.bind;
  }

  /** {@code host:port} of the control port, as the client's {@code -host} takes it. */
  public String controlAddress() {
    return config.bind + ":" + controlPort;
  }

  public URI httpUri() {
    return URI.create(
        (config.plaintext ? "http://" : "https://") + config.bind + ":" + httpPort + "/");
  }

  public String apiToken() {
    return config.apiToken;
  }

  public ScreenRecApi api() {
    return api;
  }

  public Path dataDir() {
    return dataDir;
  }

  public int fps() {
    return config.fps;
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

  /** SIGKILL, as when the server's machine dies. The data directory stays until close. */
  public void kill() {
    process.kill();
  }

  /** SIGTERM and wait for a clean shutdown; true if it ended within {@code grace}. */
  public boolean stop(Duration grace) {
    return process.stop(grace);
  }

  @Override
  public void close() {
    try {
      process.stop(Duration.ofSeconds(15));
    } finally {
      if (ownDataDir && !config.keepDataDir) {
        TempDirs.deleteQuietly(dataDir);
      }
    }
  }

  @Override
  public String toString() {
    return "server[pid "
        + process.pid()
        + ", control "
        + controlAddress()
        + ", http "
        + httpUri()
        + "]";
  }

  public static final class Builder {
    private String bind = "127.0.0.1";
    private String clusterId;
    private String apiToken = "test-" + UUID.randomUUID();
    private Integer fps;
    private Integer segmentDurationMs;
    private Integer heartbeatIntervalMs;
    private Integer deadPeerTimeoutMs;
    private String videoCodec;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private Path dataDir;
    private boolean keepDataDir;
    private int controlPort;
    private int httpPort;
    private String classpath;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> extraArgs = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(90);
    private String umask;
    private boolean plaintext;
    private ServerProcess sharedCaOf;

    private Builder() {}

    /** Both ports in clear (--plaintext): for benches comparing with TLS, and lab setups. */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    /**
     * Starts with {@code primary}'s cluster CA copied in first, as the second cluster of a pair is
     * set up (docs/security.md): desktops enrolled with either are known to both.
     */
    public Builder sharingCaWith(ServerProcess primary) {
      this.sharedCaOf = primary;
      return this;
    }

    public Builder bind(String address) {
      this.bind = address;
      return this;
    }

    public Builder clusterId(String id) {
      this.clusterId = id;
      return this;
    }

    public Builder apiToken(String token) {
      this.apiToken = token;
      return this;
    }

    public Builder fps(int fps) {
      this.fps = fps;
      return this;
    }

    public Builder segmentDurationMs(int ms) {
      this.segmentDurationMs = ms;
      return this;
    }

    public Builder heartbeatIntervalMs(int ms) {
      this.heartbeatIntervalMs = ms;
      return this;
    }

    public Builder deadPeerTimeoutMs(int ms) {
      this.deadPeerTimeoutMs = ms;
      return this;
    }

    public Builder videoCodec(String codec) {
      this.videoCodec = codec;
      return this;
    }

    public Builder database(String jdbcUrl, String user, String password) {
      this.dbUrl = jdbcUrl;
      this.dbUser = user;
      this.dbPassword = password;
      return this;
    }

    /** Uses (and keeps) this data directory, e.g. to restart a server on the same data. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Keeps a generated data directory after close, for looking at it after a bench. */
    public Builder keepDataDir(boolean keep) {
      this.keepDataDir = keep;
      return this;
    }

    /** Fixed ports, e.g. to restart on the same ports; 0 (default) picks free ones. */
    public Builder ports(int controlPort, int httpPort) {
      this.controlPort = controlPort;
      this.httpPort = httpPort;
      return this;
    }

    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    public Builder jvmArg(String arg) {
      this.jvmArgs.add(arg);
      return this;
    }

    public Builder arg(String... args) {
      this.extraArgs.addAll(List.of(args));
      return this;
    }

    /** Starts the server under this file mode creation mask (e.g. "000"), through sh. */
    public Builder umask(String mask) {
      if (!mask.matches("[0-7]{3,4}")) {
        throw new IllegalArgumentException("umask must be octal, was " + mask);
      }
      this.umask = mask;
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Starts the server and returns once {@code /healthz} answers 200. */
    public ServerProcess start() {
      if (fps == null) {
        fps = 5; // the server's documented default; recorded so tests can use it
      }
      boolean ownDataDir = dataDir == null;
      Path dir = ownDataDir ? TempDirs.create("screenrec-server-") : dataDir;
      if (sharedCaOf != null) {
        copyCa(sharedCaOf.dataDir(), dir);
      }
      String cp =
          classpath != null
              ? classpath
              : JavaLauncher.classpathFor(
                  MAIN_CLASS, "server", "screenrec-server.jar", "client", "controller");
      boolean fixedPorts = controlPort != 0;
      IllegalStateException lastFailure = null;
      for (int attempt = 1; attempt <= (fixedPorts ? 1 : START_ATTEMPTS); attempt++) {
        int cport = fixedPorts ? controlPort : FreePorts.next(bind);
        int hport = fixedPorts ? httpPort : FreePorts.next(bind);
        List<String> args = args(dir, cport, hport);
        Path log = ProcessLogs.newFile("server-" + cport);
        List<String> command = JavaLauncher.command(cp, jvmArgs, MAIN_CLASS, args);
        if (umask != null) {
          // exec: the server replaces the shell, so stopping the process stops the server
          List<String> wrapped =
              new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""));
          wrapped.addAll(command);
          command = wrapped;
        }
        ManagedProcess p = ManagedProcess.start("server", command, Map.of(), log);
        try {
          awaitHealthy(p, dir, hport);
          return new ServerProcess(p, this, cport, hport, dir, ownDataDir);
        } catch (RuntimeException | TimeoutException e) {
          String tail = p.logTail(60);
          p.kill();
          lastFailure =
              new IllegalStateException(
                  "server did not become healthy: "
                      + e.getMessage()
                      + System.lineSeparator()
                      + tail,
                  e);
          // another process took a port between our probe and the server's bind: try other ports
          if (!(tail.contains("BindException") || tail.contains("Address already in use"))) {
            break;
          }
        }
      }
      if (ownDataDir && !keepDataDir) {
        TempDirs.deleteQuietly(dir);
      }
      throw lastFailure;
    }

    private static void copyCa(Path from, Path to) {
      try {
        Path tls = Files.createDirectories(to.resolve("tls"));
        for (String f : List.of("ca.pem", "ca-key.pem")) {
          Files.copy(
              from.resolve("tls").resolve(f),
              tls.resolve(f),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot share the cluster CA", e);
      }
    }

    private List<String> args(Path dir, int cport, int hport) {
      List<String> a =
          new ArrayList<>(
              List.of(
                  "--data-dir",
                  dir.toString(),
                  "--bind",
                  bind,
                  "--control-port",
                  String.valueOf(cport),
                  "--http-port",
                  String.valueOf(hport),
                  "--api-token",
                  apiToken,
                  "--fps",
                  String.valueOf(fps)));
      opt(a, "--cluster-id", clusterId);
      opt(a, "--segment-duration", segmentDurationMs);
      opt(a, "--heartbeat-interval", heartbeatIntervalMs);
      opt(a, "--dead-peer-timeout", deadPeerTimeoutMs);
      opt(a, "--video-codec", videoCodec);
      opt(a, "--db-url", dbUrl);
      opt(a, "--db-user", dbUser);
      opt(a, "--db-password", dbPassword);
      if (plaintext) {
        a.add("--plaintext");
      }
      a.addAll(extraArgs);
      return a;
    }

    private static void opt(List<String> a, String flag, Object value) {
      if (value != null) {
        a.add(flag);
        a.add(value.toString());
      }
    }

    private void awaitHealthy(ManagedProcess p, Path dir, int hport) throws TimeoutException {
      HttpClient[] http = {plaintext ? HttpClient.newHttpClient() : null};
      URI health =
          URI.create((plaintext ? "http://" : "https://") + bind + ":" + hport + "/healthz");
      Poll.until(
          "server /healthz on port " + hport,
          startTimeout,
          Duration.ofMillis(100),
          () -> {
            if (!p.isAlive()) {
              throw new ProcessExited("server exited with " + p.process().exitValue());
            }
            if (http[0] == null) {
              // the server makes its CA first thing; until then there is nothing to trust
              if (!Files.isRegularFile(dir.resolve("tls").resolve("ca.pem"))) {
                return false;
              }
              http[0] =
                  HttpClient.newBuilder()
                      .connectTimeout(Duration.ofSeconds(2))
                      .sslContext(trust(dir))
                      .build();
            }
            try {
              HttpResponse<Void> r =
                  http[0].send(
                      HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                      HttpResponse.BodyHandlers.discarding());
              return r.statusCode() == 200;
            } catch (java.io.IOException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          });
    }
  }

  /** Thrown from inside a poll to stop waiting for a process that is already gone. */
  static final class ProcessExited extends Poll.Abort {
    ProcessExited(String message) {
      super(message);
    }
  }
}
