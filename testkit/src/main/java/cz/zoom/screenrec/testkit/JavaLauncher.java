package cz.zoom.screenrec.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code java} command lines for the product's processes. They run as separate JVMs, as in
 * production, so a crash, a System.exit or a leaked thread in them cannot hide in the test's JVM.
 */
public final class JavaLauncher {
  /** Overrides the classpath of launched JVMs (e.g. {@code -Dscreenrec.classpath=...}). */
  public static final String CLASSPATH_PROPERTY = "screenrec.classpath";

  private JavaLauncher() {}

  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The classpath on which {@code mainClass} can run: the explicit override, else the current JVM's
   * classpath when it holds the class (tests depend on server and client; the bench jar's manifest
   * lists them), else the module's packaged jar found from the working directory.
   */
  public static String classpathFor(
      String mainClass, String moduleDir, String jarName, String... otherModules) {
    String override = System.getProperty(CLASSPATH_PROPERTY);
    if (override != null && !override.isBlank()) {
      return override;
    }
    if (loadable(mainClass)) {
      // Surefire may run tests from a manifest-only jar; its real classpath is in this property
      String surefire = System.getProperty("surefire.test.class.path");
      return without(
          surefire != null && !surefire.isBlank()
              ? surefire
              : System.getProperty("java.class.path"),
          otherModules);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path jar = dir.resolve(moduleDir).resolve("target").resolve(jarName);
      if (Files.isRegularFile(jar)) {
        return jar.toString();
      }
    }
    throw new IllegalStateException(
        mainClass
            + " is not on this JVM's classpath and no "
            + moduleDir
            + "/target/"
            + jarName
            + " was found above "
            + Path.of("").toAbsolutePath()
            + "; build it (./mvnw -DskipTests package) or set -D"
            + CLASSPATH_PROPERTY);
  }

  /**
   * Drops the other product modules (e.g. the client's jar from the server's classpath) so each
   * process sees only its own resources, such as its own logback.xml, as it does when installed.
   */
  static String without(String classpath, String... modules) {
    List<String> kept = new ArrayList<>();
    for (String entry : expandManifests(classpath)) {
      if (entry.isEmpty() || java.util.Arrays.stream(modules).anyMatch(m -> isModule(entry, m))) {
        continue;
      }
      kept.add(entry);
    }
    return String.join(File.pathSeparator, kept);
  }

  /**
   * A runnable jar (the bench's) names its dependencies in its manifest; listing them explicitly
   * lets {@link #without} drop modules from it too.
   */
  static List<String> expandManifests(String classpath) {
    List<String> out = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      out.add(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
        continue;
      }
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
        java.util.jar.Manifest mf = jar.getManifest();
        String cp =
            mf == null
                ? null
                : mf.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
        if (cp == null || cp.isBlank()) {
          continue;
        }
        Path base = Path.of(entry).toAbsolutePath().getParent();
        for (String ref : cp.trim().split("\\s+")) {
          try {
            // entries are URLs relative to the jar's folder
            out.add(base.toUri().resolve(ref).getPath());
          } catch (IllegalArgumentException e) {
            out.add(base.resolve(ref).toString());
          }
        }
      } catch (java.io.IOException e) {
        // not a readable jar: keep the entry as it is
      }
    }
    return out;
  }

  private static boolean isModule(String entry, String module) {
    Path p = Path.of(entry);
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    String artifact = "screenrec-" + module;
    return name.equals(artifact + ".jar")
        || name.startsWith(artifact + "-")
        || p.endsWith(Path.of(module, "target", "classes"));
  }

  public static List<String> command(
      String classpath, List<String> jvmArgs, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, JavaLauncher.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static String pathSeparator() {
    return File.pathSeparator;
  }
}
