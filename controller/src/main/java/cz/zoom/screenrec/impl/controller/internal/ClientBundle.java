package cz.zoom.screenrec.impl.controller.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The packed Capture Client: a zip whose first entry, {@value #MANIFEST}, lists the main class, the
 * class path and every file with its size and SHA-256. Extraction writes only listed files, under
 * the target directory, each checked against the manifest, so a damaged or tampered bundle never
 * runs.
 */
public final class ClientBundle {
  public static final String MANIFEST = "bundle.manifest";
  static final String FORMAT_LINE = "screenrec-client-bundle 1";

  /**
   * The embedded bundle, next to this class so that no other jar on a flat class path can shadow
   * it.
   */
  static final String RESOURCE = "client-bundle.zip";

  private static final int MAX_MANIFEST_BYTES = 1 << 20;

  static final class FileEntry {
    final String path;
    final long size;
    final String sha256;

    FileEntry(String path, long size, String sha256) {
      this.path = path;
      this.size = size;
      this.sha256 = sha256;
    }
  }

  final String version;
  final String mainClass;
  final List<String> classPath;

  /**
   * JVM options the client's build asks for (e.g. its GTK version); a desktop's own options come
   * after them.
   */
  final List<String> jvmOptions;

  final Map<String, FileEntry> files;

  ClientBundle(
      String version,
      String mainClass,
      List<String> classPath,
      List<String> jvmOptions,
      Map<String, FileEntry> files) {
    this.version = version;
    this.mainClass = mainClass;
    this.classPath = List.copyOf(classPath);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  static String manifestText(
      String version,
      String mainClass,
      List<String> classPath,
      List<String> jvmOptions,
      List<FileEntry> files) {
    StringBuilder sb = new StringBuilder(FORMAT_LINE).append('\n');
    sb.append("version ").append(version).append('\n');
    sb.append("main-class ").append(mainClass).append('\n');
    for (String option : jvmOptions) {
      sb.append("jvm-option ").append(option).append('\n');
    }
    for (String cp : classPath) {
      sb.append("class-path ").append(cp).append('\n');
    }
    for (FileEntry f : files) {
      sb.append("file ")
          .append(f.sha256)
          .append(' ')
          .append(f.size)
          .append(' ')
          .append(f.path)
          .append('\n');
    }
    return sb.toString();
  }

  static ClientBundle parseManifest(String text) throws IOException {
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].trim().equals(FORMAT_LINE)) {
      throw new IOException(
          "not a client bundle manifest (first line "
              + (lines.length == 0 ? "missing" : lines[0])
              + ")");
    }
    String version = null;
    String mainClass = null;
    List<String> classPath = new ArrayList<>();
    List<String> jvmOptions = new ArrayList<>();
    Map<String, FileEntry> files = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int sp = line.indexOf(' ');
      if (sp < 0) {
        throw new IOException("bad manifest line " + (i + 1) + ": " + line);
      }
      String key = line.substring(0, sp);
      String value = line.substring(sp + 1).trim();
      switch (key) {
        case "version":
          version = value;
          break;
        case "main-class":
          mainClass = value;
          break;
        case "class-path":
          classPath.add(checkPath(value));
          break;
        case "jvm-option":
          if (!value.startsWith("-")) {
            throw new IOException("bad jvm-option in manifest line " + (i + 1) + ": " + line);
          }
          jvmOptions.add(value);
          break;
        case "file":
          {
            String[] parts = value.split(" ", 3);
            if (parts.length != 3 || !parts[0].matches("[0-9a-f]{64}")) {
              throw new IOException("bad manifest file line " + (i + 1) + ": " + line);
            }
            long size;
            try {
              size = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
              throw new IOException("bad size in manifest line " + (i + 1) + ": " + line);
            }
            String path = checkPath(parts[2]);
            if (files.put(path, new FileEntry(path, size, parts[0])) != null) {
              throw new IOException("file listed twice in manifest: " + path);
            }
            break;
          }
        default:
          // newer bundle formats may add keys; they must not stop an older reader
          break;
      }
    }
    if (mainClass == null || classPath.isEmpty()) {
      throw new IOException("manifest names no main-class or class-path");
    }
    for (String cp : classPath) {
      if (!files.containsKey(cp)) {
        throw new IOException("class-path entry not in the bundle: " + cp);
      }
    }
    return new ClientBundle(version, mainClass, classPath, jvmOptions, files);
  }

  /**
   * Relative, forward-slash paths without "..", so no entry can land outside the extraction
   * directory.
   */
  static String checkPath(String path) throws IOException {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains(":")) {
      throw new IOException("illegal path in bundle: " + path);
    }
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IOException("illegal path in bundle: " + path);
      }
    }
    return path;
  }

  /** Extracts and verifies the bundle into {@code dir} (which must exist); returns its manifest. */
  public static ClientBundle extract(InputStream zipStream, Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    try (ZipInputStream zip = new ZipInputStream(zipStream, StandardCharsets.UTF_8)) {
      ZipEntry first = zip.getNextEntry();
      if (first == null || !first.getName().equals(MANIFEST)) {
        throw new IOException("client bundle does not start with " + MANIFEST);
      }
      ClientBundle bundle =
          parseManifest(new String(readBounded(zip, MAX_MANIFEST_BYTES), StandardCharsets.UTF_8));
      Set<String> written = new HashSet<>();
      byte[] buffer = new byte[64 * 1024];
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.isDirectory()) {
          continue;
        }
        FileEntry expected = bundle.files.get(e.getName());
        if (expected == null) {
          throw new IOException(
              "client bundle holds a file its manifest does not list: " + e.getName());
        }
        if (!written.add(expected.path)) {
          throw new IOException("client bundle holds " + expected.path + " twice");
        }
        Path target = root.resolve(expected.path).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("illegal path in bundle: " + expected.path);
        }
        Files.createDirectories(target.getParent());
        MessageDigest sha = sha256();
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
          for (int n; (n = zip.read(buffer)) > 0; ) {
            total += n;
            if (total > expected.size) {
              throw new IOException(expected.path + " is larger than the manifest says");
            }
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
          }
        }
        String actual = hex(sha.digest());
        if (total != expected.size || !actual.equals(expected.sha256)) {
          throw new IOException(
              expected.path
                  + " does not match the bundle manifest (size "
                  + total
                  + ", sha256 "
                  + actual
                  + ")");
        }
      }
      for (String path : bundle.files.keySet()) {
        if (!written.contains(path)) {
          throw new IOException("client bundle lacks " + path);
        }
      }
      return bundle;
    }
  }

  List<Path> classPathIn(Path dir) {
    List<Path> out = new ArrayList<>();
    for (String cp : classPath) {
      out.add(dir.resolve(cp));
    }
    return out;
  }

  /**
   * The Java feature release the client's main class was compiled for (17 for class file 61), 0
   * when unknown; checked before launching so an old desktop JVM gets one clear message instead of
   * a restart loop.
   */
  int requiredJavaFeature(Path dir) {
    String entry = mainClass.replace('.', '/') + ".class";
    try (JarFile jar = new JarFile(dir.resolve(classPath.get(0)).toFile())) {
      ZipEntry e = jar.getEntry(entry);
      if (e == null) {
        return 0;
      }
      try (DataInputStream in = new DataInputStream(jar.getInputStream(e))) {
        if (in.readInt() != 0xCAFEBABE) {
          return 0;
        }
        in.readUnsignedShort();
        int major = in.readUnsignedShort();
        return Math.max(0, major - 44);
      }
    } catch (IOException e) {
      return 0;
    }
  }

  static byte[] readBounded(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) > 0; ) {
      if (out.size() + n > max) {
        throw new IOException("bundle manifest larger than " + max + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
