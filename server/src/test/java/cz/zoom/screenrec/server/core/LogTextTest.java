package cz.zoom.screenrec.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void plainTextIsUnchanged() {
    assertThat(LogText.of("alice.smith@example")).isEqualTo("alice.smith@example");
    assertThat(LogText.of("Jiří Novák")).isEqualTo("Jiří Novák");
    assertThat(LogText.of(null)).isNull();
  }

  @Test
  void aForgedLogLineStaysOnItsOwnLine() {
    String forged = "x\r\n2026-01-01 INFO audit LOGIN user=admin call=null";
    String safe = LogText.of(forged);
    assertThat(safe)
        .doesNotContain("\r", "\n")
        .isEqualTo("x\\r\\n2026-01-01 INFO audit LOGIN user=admin call=null");
  }

  @Test
  void everyControlCharacterAndSeparatorIsEscaped() {
    assertThat(LogText.of("a\tb\u0000c\u001bd\u007fe\u0085f\u2028g\u2029h"))
        .isEqualTo("a\\tb\\u0000c\\u001bd\\u007fe\\u0085f\\u2028g\\u2029h");
    // a backslash is escaped too, so an escape in the log always means a character that was escaped
    assertThat(LogText.of("a\\nb")).isEqualTo("a\\\\nb");
  }

  @Test
  void longTextIsCut() {
    String s = LogText.of("n".repeat(10_000));
    assertThat(s)
        .startsWith("n".repeat(LogText.MAX))
        .endsWith("...(10000 chars)")
        .hasSizeLessThan(300);
  }
}
