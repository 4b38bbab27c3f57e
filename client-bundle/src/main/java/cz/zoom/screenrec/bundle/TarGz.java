package cz.zoom.screenrec.bundle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a directory tree as a gzip-compressed tar archive (commons-compress), keeping the execute
 * bits (the runtime's {@code bin/java}, {@code lib/jspawnhelper}, the launchers) and symbolic
 * links. Paths longer than ustar's 100 characters get POSIX (PAX) headers, which every current tar
 * reads.
 */
final class TarGz {
  private TarGz() {}

  /**
   * Archives {@code dir} as {@code topName/...}, entries sorted, every entry stamped with {@code
   * mtimeSeconds}.
   */
  static void write(Path dir, String topName, long mtimeSeconds, Path out) throws IOException {
    List<Path> entries;
    try (Stream<Path> s = Files.walk(dir)) {
      entries = s.sorted().toList();
    }
    FileTime mtime = FileTime.from(mtimeSeconds, TimeUnit.SECONDS);
    try (OutputStream file = Files.newOutputStream(out);
        GzipCompressorOutputStream gz =
            new GzipCompressorOutputStream(new BufferedOutputStream(file, 1 << 16));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Path p : entries) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        String name = rel.isEmpty() ? topName : topName + "/" + rel;
        TarArchiveEntry entry;
        boolean regular = false;
        if (Files.isSymbolicLink(p)) {
          entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
          entry.setLinkName(Files.readSymbolicLink(p).toString().replace('\\', '/'));
          entry.setMode(0120777);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          entry = new TarArchiveEntry(name + "/");
          entry.setMode(040755);
        } else {
          entry = new TarArchiveEntry(name);
          entry.setMode(executableBits(p) ? 0100755 : 0100644);
          entry.setSize(Files.size(p));
          regular = true;
        }
        // the same for every build of one commit: no owner or time of the machine that built it
        entry.setModTime(mtime);
        entry.setIds(0, 0);
        entry.setNames("root", "root");
        tar.putArchiveEntry(entry);
        if (regular) {
          try (var in = Files.newInputStream(p)) {
            long copied = in.transferTo(tar);
            if (copied != entry.getSize()) {
              throw new IOException(p + " changed while it was archived");
            }
          }
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  private static boolean executableBits(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      return perms.contains(PosixFilePermission.OWNER_EXECUTE);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }
}
