package cz.zoom.screenrec.impl.controller.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Build-time tool (run by the controller's pom in prepare-package): packs the Capture Client jar
 * and its runtime libraries into {@code client-bundle.zip}. Kept in the jar because it shares the
 * manifest format with the reader.
 */
public final class BundleBuilder {
  /**
   * Fixed entry time so that the same inputs give the same bundle bytes. A zip entry stores local
   * date and time fields; set as such, they do not move with the time zone of the machine that
   * builds.
   */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 2, 0, 0);

  private BundleBuilder() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new HashMap<>();
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--jvm-option")) {
        jvmOptions.add(args[i + 1]);
      } else {
        opts.put(args[i], args[i + 1]);
      }
    }
    Path staging = Paths.get(require(opts, "--staging"));
    String mainArtifact = require(opts, "--main-artifact");
    Path out = Paths.get(require(opts, "--out"));
    List<Path> jars;
    try (Stream<Path> s = Files.list(staging)) {
      jars =
          s.filter(p -> p.getFileName().toString().endsWith(".jar"))
              .sorted()
              .collect(Collectors.toList());
    }
    List<Path> mains =
        jars.stream()
            .filter(
                p ->
                    p.getFileName()
                        .toString()
                        .matches(java.util.regex.Pattern.quote(mainArtifact) + "-[0-9].*\\.jar"))
            .collect(Collectors.toList());
    if (mains.size() != 1) {
      throw new IOException(
          "expected exactly one " + mainArtifact + " jar in " + staging + ", found " + mains);
    }
    List<Path> libs = new ArrayList<>(jars);
    libs.removeAll(mains);
    build(mains.get(0), mainArtifact + ".jar", libs, jvmOptions, require(opts, "--version"), out);
  }

  /** Writes the bundle: {@code mainJar} as {@code mainName} at the top, each library under lib/. */
  public static void build(Path mainJar, String mainName, List<Path> libs, String version, Path out)
      throws IOException {
    build(mainJar, mainName, libs, List.of(), version, out);
  }

  public static void build(
      Path mainJar,
      String mainName,
      List<Path> libs,
      List<String> jvmOptions,
      String version,
      Path out)
      throws IOException {
    String mainClass;
    try (JarFile jar = new JarFile(mainJar.toFile())) {
      mainClass =
          jar.getManifest() == null
              ? null
              : jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
    }
    if (mainClass == null || mainClass.isBlank()) {
      throw new IOException(mainJar + " has no Main-Class in its manifest");
    }
    List<Path> sortedLibs = new ArrayList<>(libs);
    sortedLibs.sort(Comparator.comparing(p -> p.getFileName().toString()));
    Map<String, Path> sources = new java.util.LinkedHashMap<>();
    sources.put(ClientBundle.checkPath(mainName), mainJar);
    for (Path lib : sortedLibs) {
      String name = ClientBundle.checkPath("lib/" + lib.getFileName());
      if (sources.put(name, lib) != null) {
        throw new IOException("two libraries named " + name);
      }
    }
    List<ClientBundle.FileEntry> entries = new ArrayList<>();
    for (Map.Entry<String, Path> e : sources.entrySet()) {
      entries.add(
          new ClientBundle.FileEntry(e.getKey(), Files.size(e.getValue()), sha256(e.getValue())));
    }
    String manifest =
        ClientBundle.manifestText(
            version, mainClass, new ArrayList<>(sources.keySet()), jvmOptions, entries);

    Files.createDirectories(out.toAbsolutePath().getParent());
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (ZipOutputStream zip =
        new ZipOutputStream(Files.newOutputStream(tmp), StandardCharsets.UTF_8)) {
      zip.setLevel(9);
      ZipEntry m = new ZipEntry(ClientBundle.MANIFEST);
      m.setTimeLocal(ENTRY_TIME);
      zip.putNextEntry(m);
      zip.write(manifest.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      for (Map.Entry<String, Path> e : sources.entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        z.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(z);
        Files.copy(e.getValue(), zip);
        zip.closeEntry();
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = ClientBundle.sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return ClientBundle.hex(sha.digest());
  }

  private static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }
}
