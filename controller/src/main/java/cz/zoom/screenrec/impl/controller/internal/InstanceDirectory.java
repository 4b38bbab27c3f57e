package cz.zoom.screenrec.impl.controller.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * One starter's private directory under the temp directory: the extracted client, its log, and a
 * lock file held for the starter's whole life. The lock is what tells other desktops' cleanup that
 * this directory is alive.
 */
final class InstanceDirectory implements AutoCloseable {
  /**
   * Not "screenrec-client-": test kits and scripts make temporary directories of that name for
   * other purposes.
   */
  static final String PREFIX = "screenrec-controller-";

  /** In the owner file: what makes a directory ours. The sweeper touches nothing without it. */
  static final String KIND = "screenrec-controller-instance";

  static final String LOCK_FILE = "instance.lock";

  /**
   * Which JVM made the directory: a sweeper never opens the lock file of its own JVM (see
   * LeftoverSweeper).
   */
  static final String OWNER_FILE = "owner.properties";

  /** The running client, so a sweeper can end a client orphaned by a desktop that was killed. */
  static final String CLIENT_FILE = "client.properties";

  static final String LOG_FILE = "client.log";

  final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean closed;

  private InstanceDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  static InstanceDirectory create(Path baseDir) throws IOException {
    Files.createDirectories(baseDir);
    // random name, and on POSIX mode 700: nobody else can swap the jars we are about to run
    Path dir = Files.createTempDirectory(baseDir, PREFIX).toAbsolutePath();
    FileChannel channel = null;
    try {
      Properties owner = new Properties();
      ProcessHandle self = ProcessHandle.current();
      owner.setProperty("kind", KIND);
      owner.setProperty("pid", Long.toString(self.pid()));
      self.info().startInstant().ifPresent(t -> owner.setProperty("start", t.toString()));
      owner.setProperty("created", Instant.now().toString());
      writeProperties(dir.resolve(OWNER_FILE), owner);
      channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new IOException("could not lock the fresh " + dir.resolve(LOCK_FILE));
      }
      return new InstanceDirectory(dir, channel, lock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      deleteTree(dir);
      throw e;
    }
  }

  Path logFile() {
    return dir.resolve(LOG_FILE);
  }

  void recordClient(ProcessHandle process) {
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(process.pid()));
    process.info().startInstant().ifPresent(t -> p.setProperty("start", t.toString()));
    try {
      writeProperties(dir.resolve(CLIENT_FILE), p);
    } catch (IOException e) {
      // only a crash-cleanup aid; the client runs fine without it
    }
  }

  boolean isClosed() {
    synchronized (this) {
      return closed;
    }
  }

  /** Releases the lock and deletes the directory; safe to call more than once. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      lockChannel.close();
    }
    deleteTree(dir);
  }

  static void writeProperties(Path file, Properties p) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String k : p.stringPropertyNames()) {
      sb.append(k).append('=').append(p.getProperty(k)).append('\n');
    }
    Files.write(file, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  static Optional<Properties> readProperties(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      Properties p = new Properties();
      p.load(in);
      return Optional.of(p);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Deletes a directory tree without following symbolic links out of it. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new TreeDeleter());
  }

  /**
   * A named class, not an anonymous one: it must already be loaded when a shutdown hook needs it
   * (see ClientSupervisor).
   */
  static final class TreeDeleter extends SimpleFileVisitor<Path> {
    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      Files.deleteIfExists(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
      if (exc instanceof NoSuchFileException) {
        return FileVisitResult.CONTINUE;
      }
      throw exc;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
      if (exc != null && !(exc instanceof NoSuchFileException)) {
        throw exc;
      }
      Files.deleteIfExists(d);
      return FileVisitResult.CONTINUE;
    }
  }
}
