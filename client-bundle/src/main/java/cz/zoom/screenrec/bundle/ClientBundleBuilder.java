package cz.zoom.screenrec.bundle;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Build-time tool (run by this module's pom in prepare-package): makes the self-contained Capture
 * Client, {@code <name>.tar.gz}, and a {@code .sha256} beside every file of the download folder.
 *
 * <pre>
 * &lt;name&gt;.tar.gz
 *   screenrec-client-&lt;version&gt;/bin/screenrec-client      launcher (POSIX sh)
 *   screenrec-client-&lt;version&gt;/bin/screenrec-client.cmd  launcher for the future Windows bundle
 *   screenrec-client-&lt;version&gt;/runtime/                  Java runtime made by jlink
 *   screenrec-client-&lt;version&gt;/lib/*.jar                 the client and its libraries
 *   screenrec-client-&lt;version&gt;/README.txt
 * </pre>
 *
 * The runtime's modules are what jdeps finds the jars need plus {@code --add-modules} (modules the
 * JDK loads as services, which jdeps cannot see). Before packing, the image runs the client's
 * {@code --help}: a bundle whose runtime lacks a module the client needs at start never ships.
 * Every entry carries {@code --timestamp}, so two builds of one commit give the same bytes.
 */
public final class ClientBundleBuilder {

  private ClientBundleBuilder() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    long t0 = System.nanoTime();
    Path lib = Path.of(require(o, "--lib"));
    Path files = Path.of(require(o, "--files"));
    String mainClass = require(o, "--main-class");
    String name = require(o, "--name");
    String version = require(o, "--version");
    Path work = Path.of(require(o, "--work"));
    Path out = Path.of(require(o, "--out"));
    List<String> extra =
        o.containsKey("--add-modules") ? List.of(o.get("--add-modules").split(",")) : List.of();

    List<Path> jars;
    try (Stream<Path> s = Files.list(lib)) {
      jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
    if (jars.isEmpty()) {
      throw new IOException("no jars in " + lib);
    }
    TreeSet<String> modules = new TreeSet<>(jdepsModules(jars));
    modules.addAll(extra);
    log("runtime modules: " + String.join(",", modules));

    deleteTree(work);
    String top = "screenrec-client-" + version;
    Path root = work.resolve(top);
    Files.createDirectories(root);
    // no --compress: jlink's zip-compressed modules file would make the .tar.gz larger (measured 32
    // vs 26 MB for
    // the runtime, gzip cannot shrink it further) and the client slower to start
    tool(
        "jlink",
        "--add-modules",
        String.join(",", modules),
        "--output",
        root.resolve("runtime").toString(),
        "--strip-debug",
        "--no-header-files",
        "--no-man-pages");
    Path rootLib = Files.createDirectories(root.resolve("lib"));
    for (Path jar : jars) {
      Files.copy(jar, rootLib.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    }
    copyFiles(
        files,
        root,
        Map.of(
            "@VERSION@",
            version,
            "@PLATFORM@",
            platform(),
            "@JAVA_VERSION@",
            Runtime.version().toString(),
            "@MODULES@",
            String.join(", ", modules)));
    smokeTest(root, mainClass);

    Files.createDirectories(out);
    Path archive = out.resolve(name + ".tar.gz");
    Path tmp = out.resolve(name + ".tar.gz.tmp");
    TarGz.write(root, top, epochSeconds(require(o, "--timestamp")), tmp);
    Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    writeChecksums(out);
    log(
        String.format(
            "%s (%d KiB) in %d ms",
            archive,
            Files.size(archive) / 1024,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
  }

  /**
   * Maven's {@code project.build.outputTimestamp}: seconds since the epoch, or an ISO-8601 instant
   * with an offset, as the jar plugin accepts it.
   */
  static long epochSeconds(String timestamp) {
    if (timestamp.matches("[0-9]+")) {
      return Long.parseLong(timestamp);
    }
    try {
      return OffsetDateTime.parse(timestamp).toEpochSecond();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--timestamp is neither seconds nor an ISO-8601 time: " + timestamp, e);
    }
  }

  /** What the jars need from the JDK, as {@code jdeps --print-module-deps} says. */
  static List<String> jdepsModules(List<Path> jars) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--multi-release",
                String.valueOf(Runtime.version().feature()),
                "--ignore-missing-deps",
                "--print-module-deps"));
    jars.forEach(j -> args.add(j.toString()));
    String output = tool("jdeps", args.toArray(String[]::new));
    String[] lines = output.strip().split("\\R");
    String last = lines[lines.length - 1].strip();
    if (!last.matches("[a-z][a-z0-9.]*(,[a-z][a-z0-9.]*)*")) {
      throw new IllegalStateException("unexpected jdeps output: " + output);
    }
    return List.of(last.split(","));
  }

  private static String tool(String name, String... args) {
    ToolProvider tool =
        ToolProvider.findFirst(name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        name
                            + " is not available: build with a full JDK 17+ (with jmods), not a JRE"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = tool.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    if (rc != 0) {
      throw new IllegalStateException(
          name + " " + String.join(" ", args) + " failed with " + rc + ":\n" + out + err);
    }
    return out.toString();
  }

  /**
   * The launchers and README, with placeholders filled in; everything under bin/ made executable.
   */
  private static void copyFiles(Path from, Path to, Map<String, String> values) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(from)) {
      all = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : all) {
      Path rel = from.relativize(f);
      Path target = to.resolve(rel.toString());
      Files.createDirectories(target.getParent());
      String name = f.getFileName().toString();
      if (name.endsWith(".txt")) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : values.entrySet()) {
          text = text.replace(e.getKey(), e.getValue());
        }
        Files.writeString(target, text, StandardCharsets.UTF_8);
      } else {
        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
      }
      if (rel.getNameCount() > 1 && rel.getName(0).toString().equals("bin")) {
        try {
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the tar writer then marks nothing executable; fail rather than
          // ship that
          throw new IOException(
              "cannot mark " + target + " executable: build the bundle on Linux or macOS", e);
        }
      }
    }
  }

  private static void smokeTest(Path root, String mainClass)
      throws IOException, InterruptedException {
    Path java = root.resolve("runtime").resolve("bin").resolve(isWindows() ? "java.exe" : "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Djava.awt.headless=true",
                "-cp",
                root.resolve("lib") + "/*",
                mainClass,
                "--help")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !output.contains("-agent")) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the bundled runtime cannot run " + mainClass + " --help:\n" + output);
    }
  }

  /**
   * {@code <file>.sha256} in sha256sum's format ({@code <hex> <name>}) for every file of the
   * folder.
   */
  static void writeChecksums(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(
                  p ->
                      !p.getFileName().toString().endsWith(".sha256")
                          && !p.getFileName().toString().endsWith(".tmp"))
              .sorted(Comparator.naturalOrder())
              .toList();
    }
    for (Path f : files) {
      String line = sha256(f) + "  " + f.getFileName() + "\n";
      Files.writeString(
          f.resolveSibling(f.getFileName() + ".sha256"), line, StandardCharsets.US_ASCII);
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String platform() {
    String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch");
    String o =
        os.startsWith("windows")
            ? "windows"
            : os.startsWith("mac") ? "macos" : os.replace(' ', '-');
    String a = "amd64".equals(arch) || "x86_64".equals(arch) ? "x64" : arch;
    return o + "-" + a;
  }

  private static boolean isWindows() {
    return System.getProperty("os.name").startsWith("Windows");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String require(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }

  private static void log(String s) {
    System.out.println("[client-bundle] " + s);
  }
}
