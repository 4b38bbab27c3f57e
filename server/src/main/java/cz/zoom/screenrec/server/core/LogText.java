package cz.zoom.screenrec.server.core;

/**
 * Text a client chose (a user name typed at login, a path) made safe for one log line: control
 * characters, line and paragraph separators and backslashes are written as escapes, so nobody can
 * end a line early and forge the next one (a fake "audit LOGIN user=admin"), and long text is cut.
 */
public final class LogText {
  /** Longer text is cut here; user names and paths we accept are far shorter. */
  static final int MAX = 256;

  private LogText() {}

  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    int n = Math.min(text.length(), MAX);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      String escape = escape(c);
      if (escape != null && out == null) {
        out = new StringBuilder(n + 16).append(text, 0, i);
      }
      if (out != null) {
        if (escape != null) {
          out.append(escape);
        } else {
          out.append(c);
        }
      }
    }
    String s = out != null ? out.toString() : text.substring(0, n);
    return text.length() > MAX ? s + "...(" + text.length() + " chars)" : s;
  }

  private static String escape(char c) {
    return switch (c) {
      case '\\' -> "\\\\";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default ->
          c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029'
              ? String.format("\\u%04x", (int) c)
              : null;
    };
  }
}
