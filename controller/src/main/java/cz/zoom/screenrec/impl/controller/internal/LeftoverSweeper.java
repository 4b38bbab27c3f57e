package cz.zoom.screenrec.impl.controller.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes instance directories that earlier starters left behind (desktop killed, power cut): a
 * directory is stale only when nobody holds its lock file. Rules that keep live directories safe:
 *
 * <ul>
 *   <li>directories of this JVM are never opened: on POSIX, closing any channel of a file drops
 *       every lock this process holds on it, so probing a sibling starter's lock (another class
 *       loader, same JVM) would unlock it;
 *   <li>young directories are left alone: between creating its directory and locking it a starter
 *       holds no lock;
 *   <li>only real directories owned by the same user, named and marked (owner file) as ours, are
 *       touched, and links are never followed.
 * </ul>
 *
 * A client still running from a stale directory lost its desktop, so it is ended before the
 * directory goes.
 */
final class LeftoverSweeper {
  static final Duration MIN_AGE = Duration.ofMinutes(1);

  private final Logger log;
  private final Path baseDir;
  private final Path ownDir;

  LeftoverSweeper(Logger log, Path baseDir, Path ownDir) {
    this.log = log;
    this.baseDir = baseDir;
    this.ownDir = ownDir;
  }

  /** Returns how many directories were removed. */
  int sweep() {
    int removed = 0;
    int kept = 0;
    UserPrincipal me;
    try {
      me = Files.getOwner(ownDir, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      me = null;
    }
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(baseDir, InstanceDirectory.PREFIX + "*")) {
      for (Path dir : dirs) {
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.equals(ownDir)) {
          continue;
        }
        try {
          if (removeIfStale(abs, me)) {
            removed++;
          } else {
            kept++;
          }
        } catch (IOException | RuntimeException e) {
          kept++;
          log.log(Level.FINE, "Could not clean up leftover " + abs, e);
        }
      }
    } catch (IOException e) {
      log.log(Level.FINE, "Could not list " + baseDir + " for leftovers", e);
    }
    log.fine("Leftover sweep of " + baseDir + " done: removed " + removed + ", kept " + kept);
    return removed;
  }

  private boolean removeIfStale(Path dir, UserPrincipal me) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (me != null && !me.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
      return false;
    }
    Optional<Properties> owner =
        InstanceDirectory.readProperties(dir.resolve(InstanceDirectory.OWNER_FILE));
    if (owner.isEmpty() || !InstanceDirectory.KIND.equals(owner.get().getProperty("kind"))) {
      // someone else's directory that merely has a similar name
      return false;
    }
    if (Long.toString(ProcessHandle.current().pid()).equals(owner.get().getProperty("pid"))) {
      return false;
    }
    Path lockFile = dir.resolve(InstanceDirectory.LOCK_FILE);
    Instant newest = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant();
    if (Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
      Instant lockTime = Files.getLastModifiedTime(lockFile, LinkOption.NOFOLLOW_LINKS).toInstant();
      newest = lockTime.isAfter(newest) ? lockTime : newest;
    }
    if (newest.isAfter(Instant.now().minus(MIN_AGE))) {
      return false;
    }
    if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
      // an old directory that never got its lock: its starter failed while creating it
      killOrphanedClient(dir);
      ProcessTrees.endStrays(dir, Duration.ofSeconds(3), Duration.ofSeconds(2));
      InstanceDirectory.deleteTree(dir);
      log.fine("Removed leftover Capture Client directory " + dir);
      return true;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return false;
      }
      if (lock == null) {
        return false;
      }
      killOrphanedClient(dir);
      ProcessTrees.endStrays(dir, Duration.ofSeconds(3), Duration.ofSeconds(2));
      // everything but the lock file while we hold it, so no starter can adopt a half-deleted
      // directory
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          if (!entry.getFileName().toString().equals(InstanceDirectory.LOCK_FILE)) {
            InstanceDirectory.deleteTree(entry);
          }
        }
      }
      lock.release();
    } finally {
      channel.close();
    }
    InstanceDirectory.deleteTree(dir);
    log.fine("Removed leftover Capture Client directory " + dir);
    return true;
  }

  private void killOrphanedClient(Path dir) {
    Optional<Properties> client =
        InstanceDirectory.readProperties(dir.resolve(InstanceDirectory.CLIENT_FILE));
    if (client.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(client.get().getProperty("pid", ""));
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return;
    }
    ProcessHandle p = handle.get();
    // pids are reused: only a process with the recorded start time, whose command line (where
    // visible)
    // points into this directory, is the orphan; anything else is left alone
    String recordedStart = client.get().getProperty("start");
    Optional<Instant> start = p.info().startInstant();
    if (recordedStart == null || start.isEmpty() || !start.get().toString().equals(recordedStart)) {
      return;
    }
    Optional<String> cmd = p.info().commandLine();
    if (cmd.isPresent() && !cmd.get().contains(dir.getFileName().toString())) {
      return;
    }
    log.warning(
        "Ending Capture Client pid " + pid + " orphaned by a desktop that is gone (" + dir + ")");
    ProcessTrees.destroy(p, Duration.ofSeconds(3), Duration.ofSeconds(2));
  }
}
