package cz.zoom.screenrec.impl.controller.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What an integrator can change without code: the legacy API has only (agent, servers), so
 * everything else comes from system properties, read once when a starter is constructed.
 */
public final class ControllerSettings {
  /** Java binary for the Capture Client; default: the JVM the desktop runs in. */
  public static final String JAVA = "screenrec.client.java";

  /** Extra JVM options for the Capture Client, whitespace separated, "double quotes" group. */
  public static final String JVM_ARGS = "screenrec.client.jvmArgs";

  /** Extra Capture Client arguments after the legacy ones, e.g. {@code --spool DIR}. */
  public static final String CLIENT_ARGS = "screenrec.client.args";

  /** Where instance directories are made; default java.io.tmpdir. */
  public static final String BASE_DIR = "screenrec.controller.dir";

  /**
   * The token a desktop without credentials enrolls with (else the environment's {@value
   * #ENROLL_TOKEN_ENV}); handed to the client in its environment, never on its command line.
   */
  public static final String ENROLL_TOKEN = "screenrec.enroll.token";

  /** The Capture Client's environment variable for the enrollment token. */
  public static final String ENROLL_TOKEN_ENV = "SCREENREC_ENROLL_TOKEN";

  /** The Capture Client's environment variable for the agent token (--agent-auth token). */
  public static final String AGENT_TOKEN_ENV = "SCREENREC_AGENT_TOKEN";

  /** A client bundle zip to use instead of the embedded one (tests, field diagnostics). */
  public static final String BUNDLE = "screenrec.controller.bundle";

  final Path javaBinary;
  final boolean javaIsCurrentJvm;
  final List<String> jvmArgs;
  final List<String> clientArgs;
  final Path baseDir;
  final Path bundleOverride;
  final String enrollToken;

  ControllerSettings(
      Path javaBinary,
      boolean javaIsCurrentJvm,
      List<String> jvmArgs,
      List<String> clientArgs,
      Path baseDir,
      Path bundleOverride,
      String enrollToken) {
    this.javaBinary = javaBinary;
    this.javaIsCurrentJvm = javaIsCurrentJvm;
    this.jvmArgs = List.copyOf(jvmArgs);
    this.clientArgs = List.copyOf(clientArgs);
    this.baseDir = baseDir;
    this.bundleOverride = bundleOverride;
    this.enrollToken = enrollToken;
  }

  /** The same settings, enrolling with {@code token} (null: as the settings say). */
  public ControllerSettings withEnrollToken(String token) {
    return token == null
        ? this
        : new ControllerSettings(
            javaBinary, javaIsCurrentJvm, jvmArgs, clientArgs, baseDir, bundleOverride, token);
  }

  public static ControllerSettings fromSystemProperties() {
    String java = blankToNull(System.getProperty(JAVA));
    Path javaBinary = java != null ? Paths.get(java) : currentJvmBinary();
    String base = blankToNull(System.getProperty(BASE_DIR));
    String bundle = blankToNull(System.getProperty(BUNDLE));
    return new ControllerSettings(
        javaBinary,
        java == null,
        splitArgs(System.getProperty(JVM_ARGS)),
        splitArgs(System.getProperty(CLIENT_ARGS)),
        Paths.get(base != null ? base : System.getProperty("java.io.tmpdir")),
        bundle != null ? Paths.get(bundle) : null,
        blankToNull(System.getProperty(ENROLL_TOKEN)));
  }

  static Path currentJvmBinary() {
    Path bin = Paths.get(System.getProperty("java.home"), "bin");
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      // javaw has no console window to flash up on the agent's screen
      Path javaw = bin.resolve("javaw.exe");
      return Files.isRegularFile(javaw) ? javaw : bin.resolve("java.exe");
    }
    return bin.resolve("java");
  }

  static List<String> splitArgs(String value) {
    if (value == null) {
      return Collections.emptyList();
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = null;
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        if (current == null) {
          current = new StringBuilder();
        }
      } else if (Character.isWhitespace(c) && !quoted) {
        if (current != null) {
          out.add(current.toString());
          current = null;
        }
      } else {
        if (current == null) {
          current = new StringBuilder();
        }
        current.append(c);
      }
    }
    if (current != null) {
      out.add(current.toString());
    }
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
