package cz.zoom.screenrec.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recordings and secrets on disk are readable by the server's own user only: directories 0700,
 * files 0600, set explicitly rather than left to the process umask (a umask of 000 would otherwise
 * give every local user the agents' screens). Where the file system has no POSIX permissions
 * (Windows), these calls leave the platform's defaults.
 */
public final class OwnerOnly {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() {}

  /** Creates {@code dir} and any missing parents, each created one 0700; returns {@code dir}. */
  public static Path directories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath().normalize();
        p != null && !Files.exists(p);
        p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) {
      try {
        if (POSIX) {
          Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR));
        } else {
          Files.createDirectory(p);
        }
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made meanwhile by another request; its mode is set below like ours
      }
      restrict(p);
    }
    if (!Files.isDirectory(dir)) {
      throw new java.nio.file.NotDirectoryException(dir.toString());
    }
    return dir;
  }

  /** Opens a new file (it must not exist) for writing, 0600 from its first byte. */
  public static FileChannel newFile(Path file) throws IOException {
    FileChannel ch =
        POSIX
            ? FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                fileAttribute())
            : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      restrict(file);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  /** Creates an empty file 0600 (it must not exist). */
  public static void createFile(Path file) throws IOException {
    newFile(file).close();
  }

  /** Sets an existing file to 0600 or directory to 0700, e.g. one FFmpeg or H2 created. */
  public static void restrict(Path path) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(path, Files.isDirectory(path) ? DIR : FILE);
    }
  }

  /** {@link #restrict} on a directory and everything under it. */
  public static void restrictTree(Path root) throws IOException {
    if (!POSIX || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (!Files.isSymbolicLink(p)) {
          restrict(p);
        }
      }
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
    return PosixFilePermissions.asFileAttribute(FILE);
  }
}
