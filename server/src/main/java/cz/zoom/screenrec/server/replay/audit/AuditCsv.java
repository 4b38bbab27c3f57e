package cz.zoom.screenrec.server.replay.audit;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;

/**
 * Audit rows as CSV (RFC 4180: comma separated, CRLF, fields quoted when they hold a quote, comma
 * or line break, quotes doubled). Text a user could choose (user names typed at login, details)
 * that starts with = + - @ or a tab/CR is prefixed with ' so a spreadsheet does not run it as a
 * formula (OWASP "CSV injection").
 */
public final class AuditCsv {
  public static final String HEADER = "id,at,atMs,username,action,callId,detail";

  private AuditCsv() {}

  public static void writeHeader(Writer out) throws IOException {
    out.write(HEADER);
    out.write("\r\n");
  }

  public static void writeRow(Writer out, AuditEvent e) throws IOException {
    out.write(Long.toString(e.id()));
    out.write(',');
    out.write(Instant.ofEpochMilli(e.at()).toString());
    out.write(',');
    out.write(Long.toString(e.at()));
    out.write(',');
    out.write(cell(e.username()));
    out.write(',');
    out.write(cell(e.action().name()));
    out.write(',');
    out.write(cell(e.callId()));
    out.write(',');
    out.write(cell(e.detail()));
    out.write("\r\n");
  }

  /** One text field, neutralised and quoted as needed. */
  public static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String v = value;
    char first = v.charAt(0);
    if (first == '='
        || first == '+'
        || first == '-'
        || first == '@'
        || first == '\t'
        || first == '\r') {
      v = "'" + v;
    }
    if (v.indexOf('"') >= 0
        || v.indexOf(',') >= 0
        || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
