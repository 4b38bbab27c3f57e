package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.ServerAddress;
import cz.zoom.screenrec.client.control.ReconnectPolicy;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.spool.SpoolLimits;
import cz.zoom.screenrec.client.upload.Uploader;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.service.ipc.IpcConnection;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-host service: listens on a Unix-domain socket (never TCP) for the capture processes of
 * the logged-in sessions, and for each holds a control connection to the servers as that session's
 * agent. One spool and one uploader serve every session of the host.
 */
public final class CaptureService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CaptureService.class);
  public static final String SOCKET_NAME = "service.sock";
  static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  /** What every session shares. */
  record Context(
      List<ServerAddress> hosts,
      Spool spool,
      Duration orphanBound,
      Duration answerTimeout,
      String machine,
      String version,
      ReconnectPolicy reconnectPolicy,
      Duration connectTimeout,
      Duration helloTimeout,
      DesktopTls tls,
      HostUploadBudget budget) {}

  /** Settings; see ServiceMain for their meaning. */
  public record Config(
      Path socketDir,
      List<ServerAddress> hosts,
      AgentMap agents,
      Path spoolDir,
      Duration orphanBound,
      String machine,
      DesktopTls tls,
      SpoolLimits spoolLimits) {
    public Config {
      spoolLimits = spoolLimits == null ? SpoolLimits.DEFAULT : spoolLimits;
    }

    /** With the default spool limits. */
    public Config(
        Path socketDir,
        List<ServerAddress> hosts,
        AgentMap agents,
        Path spoolDir,
        Duration orphanBound,
        String machine,
        DesktopTls tls) {
      this(socketDir, hosts, agents, spoolDir, orphanBound, machine, tls, null);
    }
  }

  private final Config config;
  private final Map<String, CaptureSession> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "service-timer");
            t.setDaemon(true);
            return t;
          });
  private final String ownUser = System.getProperty("user.name");
  private final HostUploadBudget budget = new HostUploadBudget();
  private Spool spool;
  private Uploader uploader;
  private ServerSocketChannel server;
  private Path socket;
  private Context context;
  private volatile boolean closed;

  public CaptureService(Config config) {
    this.config = config;
  }

  public Path socket() {
    return socket;
  }

  /** Agents with a live session now. */
  public Set<String> agents() {
    return Set.copyOf(sessions.keySet());
  }

  /**
   * Takes the socket, repairs the spool and starts uploading; on failure nothing is left running.
   */
  public CaptureService start() throws IOException {
    try {
      prepareSocketDir(config.socketDir());
      Path path = config.socketDir().resolve(SOCKET_NAME);
      removeStaleSocket(path);
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      socket = path;
      spool = new Spool(config.spoolDir(), config.spoolLimits());
      spool.recover();
      uploader = Uploader.withDefaults(spool, config.tls(), budget.uploads());
      uploader.start();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    context =
        new Context(
            config.hosts(),
            spool,
            config.orphanBound(),
            Duration.ofSeconds(10),
            config.machine(),
            version(),
            ReconnectPolicy.defaults(),
            Duration.ofSeconds(3),
            Duration.ofSeconds(10),
            config.tls(),
            budget);
    timer.scheduleWithFixedDelay(this::checkSpoolRoom, 1, 1, TimeUnit.SECONDS);
    Thread acceptor = new Thread(this::acceptLoop, "ipc-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info(
        "ScreenRec service {} listening on {} for capture processes; servers {}, spool {}, {} mapped logins",
        version(),
        socket,
        config.hosts(),
        config.spoolDir(),
        config.agents().size());
    return this;
  }

  private boolean spoolRoom = true;

  /** Tells every session when the spool fills up or has room again (service timer only). */
  private void checkSpoolRoom() {
    try {
      boolean room = spool.hasRoom();
      if (room != spoolRoom) {
        spoolRoom = room;
        sessions.values().forEach(s -> s.spoolRoom(room));
      }
    } catch (RuntimeException e) {
      // a thrown task would never run again, and the sessions would stay paused
      log.warn("checking the spool's room failed: {}", e.toString());
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (AsynchronousCloseException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.error("accepting a capture process failed", e);
        }
        continue;
      }
      Thread t = new Thread(() -> serve(ch), "session-" + ch.hashCode());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel ch) {
    IpcConnection ipc = new IpcConnection(ch);
    String peer = PeerCredentials.user(ch).orElse(null);
    // a capture process that never says HELLO must not hold a thread forever
    ScheduledFuture<?> helloDeadline =
        timer.schedule(ipc::close, HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    IpcMessage.Hello hello;
    String agent;
    try {
      IpcMessage first = ipc.read();
      helloDeadline.cancel(false);
      if (!(first instanceof IpcMessage.Hello h)) {
        throw new IpcProtocolException("UNEXPECTED_MESSAGE", "HELLO must come first");
      }
      hello = h;
      agent = admit(hello, peer);
    } catch (IpcProtocolException e) {
      log.warn("capture process (user {}) refused: {} {}", peer, e.code(), e.getMessage());
      refuse(ipc, e.code(), e.getMessage());
      return;
    } catch (IOException e) {
      log.info("capture process (user {}) left before HELLO: {}", peer, e.toString());
      ipc.close();
      return;
    }
    CaptureSession session = new CaptureSession(ipc, hello, agent, context);
    CaptureSession older = sessions.put(agent, session);
    if (older != null) {
      log.warn(
          "agent {}: a new session (login {}, display {}) replaces the one on display {}",
          agent,
          hello.login(),
          hello.display(),
          older.hello().display());
      older.end("REPLACED", "another session of agent " + agent + " connected");
    }
    log.info(
        "agent {}: session of login {} on display {} (pid {}, {} screens) connected",
        agent,
        hello.login(),
        hello.display(),
        hello.pid(),
        hello.screens().size());
    try {
      if (closed) {
        session.end("SHUTTING_DOWN", "the service is stopping");
        return;
      }
      session.run();
    } finally {
      sessions.remove(agent, session);
    }
  }

  /** The agent a HELLO records as; refuses what cannot be trusted or is malformed. */
  String admit(IpcMessage.Hello hello, String peerUser) throws IpcProtocolException {
    if (hello.version() != IpcMessage.VERSION) {
      throw new IpcProtocolException(
          "UNSUPPORTED_VERSION", "this service speaks version " + IpcMessage.VERSION);
    }
    if (hello.login() == null || hello.login().isEmpty() || hello.login().length() > 256) {
      throw new IpcProtocolException("BAD_MESSAGE", "login must have 1-256 characters");
    }
    if (hello.display() != null && hello.display().length() > 256
        || hello.screens().size() > Limits.MAX_SCREENS) {
      throw new IpcProtocolException("BAD_MESSAGE", "display or screens out of bounds");
    }
    // the kernel says who connected: a session may only speak for its own login, unless it is the
    // service's own account or root (a logon script started by the system)
    if (peerUser != null
        && !peerUser.equals(hello.login())
        && !peerUser.equals(ownUser)
        && !"root".equals(peerUser)) {
      throw new IpcProtocolException(
          "LOGIN_MISMATCH", "user " + peerUser + " cannot record as login " + hello.login());
    }
    return config
        .agents()
        .agentOf(hello.login())
        .orElseThrow(
            () ->
                new IpcProtocolException(
                    "UNKNOWN_LOGIN",
                    "login "
                        + hello.login()
                        + " is not in the agent map and is not a valid agent name"));
  }

  private static void refuse(IpcConnection ipc, String code, String message) {
    try {
      ipc.send(new IpcMessage.Error(code, message));
    } catch (IOException e) {
      // gone already
    }
    ipc.close();
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      log.warn("closing the socket failed: {}", e.toString());
    }
    for (CaptureSession s : sessions.values()) {
      s.end("SHUTTING_DOWN", "the service is stopping");
    }
    if (socket != null) {
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        // a stale socket is removed at the next start
      }
    }
    if (uploader != null) {
      uploader.close();
    }
    timer.shutdownNow();
  }

  /**
   * The socket's directory is its access control: created 0770 (owner and the group of users whose
   * sessions are recorded), and refused when anyone else may enter it.
   */
  static void prepareSocketDir(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (perms.contains(PosixFilePermission.OTHERS_READ)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
      throw new IOException(
          "socket directory "
              + dir
              + " is open to all users ("
              + PosixFilePermissions.toString(perms)
              + "); make it 0700 or 0770 (chmod o-rwx)");
    }
  }

  private static void removeStaleSocket(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      throw new IOException("another service is listening on " + socket);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("another service")) {
        throw e;
      }
      // nobody listens: left by a service that was killed
      Files.delete(socket);
    }
  }

  static String version() {
    String v = CaptureService.class.getPackage().getImplementationVersion();
    return (v == null ? "dev" : v) + " service";
  }
}
