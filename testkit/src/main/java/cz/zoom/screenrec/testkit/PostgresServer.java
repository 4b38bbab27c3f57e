package cz.zoom.screenrec.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A throwaway PostgreSQL server for tests: its own cluster in a temporary directory, trust
 * authentication, listening only on 127.0.0.1 on a free port. Nothing about it is durable (fsync is
 * off). {@link #close()} stops it and deletes the directory; a JVM shutdown hook does the same if a
 * test run ends without closing it.
 *
 * <p>Needs the PostgreSQL server binaries (Debian package {@code postgresql}, {@code
 * scripts/install-deps.sh}). initdb and postgres refuse to run as root, so when the JVM runs as
 * root (CI containers do) they run as the {@code postgres} OS user via {@code runuser}.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "screenrec";
  public static final String DATABASE = "screenrec";

  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 3;
  private static final String OS_USER = "postgres";
  // sockaddr_un.sun_path is 108 bytes including the NUL; postgres adds "/.s.PGSQL.NNNNN"
  private static final int MAX_SOCKET_DIR_LENGTH = 107 - 1 - ".s.PGSQL.65535".length() - 1;
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern VERSION_DIR = Pattern.compile("\\d+(\\.\\d+)?");

  private final Path binDir;
  private final Path root;
  private final Path dataDir;
  private final Path logFile;
  private final boolean asPostgresUser;
  private final AtomicInteger databaseCounter = new AtomicInteger();
  private final Thread shutdownHook;
  private int port;
  private boolean closed;

  private PostgresServer(Path binDir, Path root, boolean asPostgresUser) {
    this.binDir = binDir;
    this.root = root;
    this.dataDir = root.resolve("data");
    this.logFile = root.resolve("postgres.log");
    this.asPostgresUser = asPostgresUser;
    this.shutdownHook = new Thread(this::stopQuietly, "postgres-server-shutdown");
  }

  /**
   * Creates a cluster, starts it and creates the database {@link #DATABASE}; returns once it
   * accepts connections. Throws {@link IllegalStateException} with the server's log when it cannot.
   */
  public static PostgresServer start() {
    Path binDir = findBinDir();
    Path root = TempDirs.create("screenrec-pg-");
    PostgresServer server;
    try {
      server = new PostgresServer(binDir, root, ownerUid(root) == 0);
    } catch (RuntimeException e) {
      TempDirs.deleteQuietly(root);
      throw e;
    }
    try {
      server.initdb();
      server.startPostmaster();
      server.createDatabase(DATABASE);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** JDBC URL of the database {@link #DATABASE}. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The superuser; any password is accepted (trust authentication). */
  public String user() {
    return USER;
  }

  public String password() {
    return "";
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Creates an empty database and returns its name; for tests that each want a schema of their own.
   */
  public String createDatabase() {
    String name = "db" + databaseCounter.incrementAndGet();
    createDatabase(name);
    return name;
  }

  public void createDatabase(String name) {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("database name must match " + DATABASE_NAME + ": " + name);
    }
    // a client, so it needs no runuser; TCP because the socket directory may be out of our reach
    run(
        List.of(
            binDir.resolve("createdb").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            USER,
            name),
        false,
        COMMAND_TIMEOUT);
  }

  /** The last lines of the server's log, for failure messages. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no postgres log)";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException ignored) {
      // the JVM is already shutting down, or the hook was never registered
    }
    stopQuietly();
  }

  @Override
  public String toString() {
    return "PostgreSQL on 127.0.0.1:" + port + " in " + root;
  }

  // --- lifecycle -------------------------------------------------------------------------------

  private void initdb() {
    if (asPostgresUser) {
      chownToPostgres(root);
    }
    run(
        List.of(
            binDir.resolve("initdb").toString(),
            "-D",
            dataDir.toString(),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"),
        asPostgresUser,
        INITDB_TIMEOUT);
    Path socketDir = root.resolve("socket");
    String socketDirs = "";
    if (socketDir.toString().length() <= MAX_SOCKET_DIR_LENGTH) {
      // postgres creates nothing here itself, and the directory must be writable by it
      createDirectory(socketDir);
      if (asPostgresUser) {
        chownToPostgres(socketDir);
      }
      socketDirs = socketDir.toString();
    }
    // with no socket directory at all the server still listens on TCP, which is all tests use
    List<String> conf =
        List.of(
            "",
            "# screenrec test server: throwaway, so durability is traded for speed",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = '" + socketDirs.replace("'", "''") + "'",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "shared_buffers = 32MB",
            "max_connections = 100",
            "log_min_messages = warning",
            "");
    try {
      Files.write(
          dataDir.resolve("postgresql.conf"),
          conf,
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot configure " + dataDir, e);
    }
  }

  private void startPostmaster() {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      port = FreePorts.next();
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      try {
        run(
            List.of(
                binDir.resolve("pg_ctl").toString(),
                "-D",
                dataDir.toString(),
                "-l",
                logFile.toString(),
                "-o",
                "-p " + port,
                "-w",
                "-t",
                Long.toString(START_TIMEOUT.toSeconds()),
                "start"),
            asPostgresUser,
            START_TIMEOUT.plusSeconds(5));
        return;
      } catch (IllegalStateException e) {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
        // FreePorts cannot reserve the port: another process may have taken it meanwhile
        if (!logTail(20).contains("could not bind")) {
          throw new IllegalStateException(
              e.getMessage()
                  + System.lineSeparator()
                  + "postgres log:"
                  + System.lineSeparator()
                  + logTail(30),
              e);
        }
        last = e;
      }
    }
    throw new IllegalStateException(
        "PostgreSQL found no free port in "
            + PORT_ATTEMPTS
            + " attempts: "
            + last.getMessage()
            + System.lineSeparator()
            + logTail(30),
        last);
  }

  private void stopQuietly() {
    try {
      if (Files.exists(dataDir.resolve("postmaster.pid"))) {
        try {
          // immediate: nothing in a throwaway cluster is worth a checkpoint
          run(
              List.of(
                  binDir.resolve("pg_ctl").toString(),
                  "-D",
                  dataDir.toString(),
                  "-m",
                  "immediate",
                  "-w",
                  "-t",
                  Long.toString(STOP_TIMEOUT.toSeconds()),
                  "stop"),
              asPostgresUser,
              STOP_TIMEOUT.plusSeconds(5));
        } catch (RuntimeException e) {
          System.err.println(
              "testkit: pg_ctl stop failed, killing the postmaster: " + e.getMessage());
          killPostmaster();
        }
      }
    } finally {
      TempDirs.deleteQuietly(root);
    }
  }

  private void killPostmaster() {
    try {
      List<String> pid =
          Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII);
      if (!pid.isEmpty()) {
        Optional<ProcessHandle> postmaster = ProcessHandle.of(Long.parseLong(pid.get(0).trim()));
        postmaster.ifPresent(
            p -> {
              // its children die with it (they watch the postmaster), but not at once
              List<ProcessHandle> children = p.children().toList();
              p.destroyForcibly();
              children.forEach(ProcessHandle::destroyForcibly);
            });
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("testkit: cannot kill the postmaster of " + dataDir + ": " + e);
    }
  }

  // --- processes -------------------------------------------------------------------------------

  /** Runs a command to completion; throws with its output when it fails or hangs. */
  private void run(List<String> command, boolean asPostgres, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) {
      cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    cmd.addAll(command);
    // a file, not a pipe: pg_ctl's background postmaster must not hold our pipe open
    Path output;
    try {
      output = Files.createTempFile(root, "cmd-", ".out");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            // the postgres OS user may not be allowed into the JVM's working directory
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("LC_ALL", "C");
    pb.environment().remove("PGDATA");
    pb.environment().remove("PGHOST");
    pb.environment().remove("PGPORT");
    String name = command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
    try {
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(
            name + " did not finish in " + timeout + ": " + read(output));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd) + " exited " + p.exitValue() + ": " + read(output));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run "
              + String.join(" ", cmd)
              + ": "
              + e.getMessage()
              + " (run scripts/install-deps.sh)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + name, e);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException ignored) {
        // deleted with the root directory
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  // --- environment -----------------------------------------------------------------------------

  /**
   * The directory with initdb and pg_ctl: {@code pg_config --bindir} when that has them (on Debian
   * pg_config may come from libpq-dev of another major version than the server), else the newest
   * {@code /usr/lib/postgresql/<version>/bin}.
   */
  static Path findBinDir() {
    List<Path> tried = new ArrayList<>();
    Optional<Path> fromPgConfig = pgConfigBinDir();
    if (fromPgConfig.isPresent()) {
      if (hasServerBinaries(fromPgConfig.get())) {
        return fromPgConfig.get();
      }
      tried.add(fromPgConfig.get());
    }
    Path debian = Path.of("/usr/lib/postgresql");
    List<Path> versions = new ArrayList<>();
    if (Files.isDirectory(debian)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(debian)) {
        for (Path d : dirs) {
          if (VERSION_DIR.matcher(d.getFileName().toString()).matches()) {
            versions.add(d.resolve("bin"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    versions.sort(
        Comparator.comparing((Path p) -> version(p.getParent().getFileName().toString()))
            .reversed());
    for (Path bin : versions) {
      if (hasServerBinaries(bin)) {
        return bin;
      }
      tried.add(bin);
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries (initdb, pg_ctl) not found"
            + (tried.isEmpty() ? "" : " in " + tried)
            + ": run scripts/install-deps.sh (Debian package postgresql)");
  }

  private static Optional<Path> pgConfigBinDir() {
    try {
      Process p =
          new ProcessBuilder("pg_config", "--bindir")
              .redirectErrorStream(false)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String dir = new String(out, StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 && !dir.isEmpty() ? Optional.of(Path.of(dir)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static boolean hasServerBinaries(Path bin) {
    return Files.isExecutable(bin.resolve("initdb"))
        && Files.isExecutable(bin.resolve("pg_ctl"))
        && Files.isExecutable(bin.resolve("createdb"));
  }

  private static double version(String dirName) {
    return Double.parseDouble(dirName);
  }

  private static int ownerUid(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system (Windows): no root problem to work around
      return -1;
    }
  }

  private static void chownToPostgres(Path p) {
    UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
    try {
      UserPrincipal user = lookup.lookupPrincipalByName(OS_USER);
      Files.setOwner(p, user);
      try {
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(OS_USER);
        Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
      } catch (UserPrincipalNotFoundException ignored) {
        // the owner is what initdb checks
      }
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalStateException(
          "running as root, but there is no OS user '"
              + OS_USER
              + "' to run PostgreSQL as (the Debian package postgresql creates it: run scripts/install-deps.sh)",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + p + " to the OS user " + OS_USER, e);
    }
  }

  private static void createDirectory(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
