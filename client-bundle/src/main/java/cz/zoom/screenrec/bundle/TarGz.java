package cz.zoom.screenrec.bundle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a directory tree as a POSIX ustar archive, gzip-compressed, keeping the execute bits (the
 * runtime's {@code bin/java}, {@code lib/jspawnhelper}, the launchers) and symbolic links. The JDK
 * has no tar writer, and the bundle must build from a clean clone with nothing but Maven Central.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  /** Archives {@code dir} as {@code topName/...}, entries sorted, every entry stamped with {@code mtimeSeconds}. */
  static void write(Path dir, String topName, long mtimeSeconds, Path out) throws IOException {
    List<Path> entries;
    try (Stream<Path> s = Files.walk(dir)) {
      entries = s.sorted().toList();
    }
    try (OutputStream file = Files.newOutputStream(out);
        GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(file, 1 << 16), 1 << 16)) {
      for (Path p : entries) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        String name = rel.isEmpty() ? topName : topName + "/" + rel;
        if (Files.isSymbolicLink(p)) {
          header(gz, name, 0777, 0, mtimeSeconds, '2', Files.readSymbolicLink(p).toString().replace('\\', '/'));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          header(gz, name + "/", 0755, 0, mtimeSeconds, '5', "");
        } else {
          long size = Files.size(p);
          header(gz, name, executableBits(p) ? 0755 : 0644, size, mtimeSeconds, '0', "");
          try (var in = Files.newInputStream(p)) {
            long copied = in.transferTo(gz);
            if (copied != size) {
              throw new IOException(p + " changed while it was archived");
            }
          }
          pad(gz, size);
        }
      }
      gz.write(new byte[2 * BLOCK]);
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

  private static void header(OutputStream out, String name, int mode, long size, long mtime, char type, String link)
      throws IOException {
    byte[] h = new byte[BLOCK];
    byte[] full = name.getBytes(StandardCharsets.UTF_8);
    if (full.length <= 100) {
      put(h, 0, 100, full);
    } else {
      // ustar splits a long path at a '/' into prefix (155) and name (100)
      int cut = -1;
      for (int i = 0; i < full.length; i++) {
        if (full[i] == '/' && i <= 155 && full.length - i - 1 <= 100 && full.length - i - 1 > 0) {
          cut = i;
          break;
        }
      }
      if (cut < 0) {
        throw new IOException("path too long for a ustar archive: " + name);
      }
      put(h, 0, 100, java.util.Arrays.copyOfRange(full, cut + 1, full.length));
      put(h, 345, 155, java.util.Arrays.copyOfRange(full, 0, cut));
    }
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    h[156] = (byte) type;
    byte[] l = link.getBytes(StandardCharsets.UTF_8);
    if (l.length > 100) {
      throw new IOException("link target too long for a ustar archive: " + name + " -> " + link);
    }
    put(h, 157, 100, l);
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
    put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 8);
    out.write(h);
  }

  private static void put(byte[] h, int off, int len, byte[] value) {
    System.arraycopy(value, 0, h, off, Math.min(len, value.length));
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = String.format("%0" + (len - 1) + "o", value);
    if (s.length() > len - 1) {
      throw new IllegalArgumentException("value " + value + " does not fit a " + len + "-byte tar field");
    }
    put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
  }

  private static void pad(OutputStream out, long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }
}
