package cz.zoom.screenrec.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.client.control.FailbackPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ClientMainTest {

  private static ClientConfig parse(String... args) {
    ClientMain main = new ClientMain();
    new CommandLine(main).parseArgs(args);
    return main.config();
  }

  @Test
  void takesTheLegacyFlags() {
    ClientConfig c =
        parse(
            "-agent",
            "alice",
            "-host",
            "10.0.0.1",
            "-host",
            "backup.example:7100",
            "--spool",
            "sp");
    assertThat(c.agent()).isEqualTo("alice");
    assertThat(c.hosts())
        .containsExactly(
            new ServerAddress("10.0.0.1", 7003), new ServerAddress("backup.example", 7100));
    assertThat(c.spoolDir()).isEqualTo(Path.of("sp").toAbsolutePath());
  }

  @Test
  void takesTheFailOverFlagsWithDefaults() {
    ClientConfig defaults = parse("-agent", "a", "-host", "h");
    assertThat(defaults.failback()).isEqualTo(FailbackPolicy.WHEN_IDLE);
    assertThat(defaults.failbackInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.orphanLimit()).isEqualTo(Duration.ofSeconds(600));

    ClientConfig c =
        parse(
            "-agent",
            "a",
            "-host",
            "h",
            "-host",
            "g",
            "--failback",
            "never",
            "--failback-interval",
            "5",
            "--orphan-limit",
            "120");
    assertThat(c.failback()).isEqualTo(FailbackPolicy.NEVER);
    assertThat(c.failbackInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.orphanLimit()).isEqualTo(Duration.ofSeconds(120));
    assertThatThrownBy(() -> parse("-agent", "a", "-host", "h", "--failback", "sometimes"))
        .hasMessageContaining("--failback must be 'never' or 'when-idle'");
    assertThatThrownBy(() -> parse("-agent", "a", "-host", "h", "--orphan-limit", "-1"))
        .hasMessageContaining("--orphan-limit");
  }

  @Test
  void helpDocumentsEveryFlag() {
    StringWriter out = new StringWriter();
    new CommandLine(new ClientMain()).setOut(new PrintWriter(out)).execute("--help");
    assertThat(out.toString())
        .contains(
            "-agent",
            "-host",
            "--spool",
            "--failback",
            "when-idle",
            "--failback-interval",
            "--orphan-limit");
  }

  @Test
  void spoolsUnderTheUsersHomeByDefault() {
    assertThat(parse("-agent", "a", "-host", "h").spoolDir())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".screenrec", "spool"));
  }

  @Test
  void explainsWhatIsWrong() {
    assertThatThrownBy(() -> parse("-host", "h")).hasMessage("-agent NAME is required");
    assertThatThrownBy(() -> parse("-agent", "alice"))
        .hasMessage("at least one -host HOST[:PORT] is required");
    assertThatThrownBy(() -> parse("-agent", "al ice", "-host", "h"))
        .hasMessageContaining("-agent 'al ice' is not valid");
    assertThatThrownBy(() -> parse("-agent", "a".repeat(129), "-host", "h"))
        .hasMessageContaining("1-128 characters");
    assertThatThrownBy(() -> parse("-agent", "a", "-host", "h:0"))
        .hasMessage("-host h:0: port must be a number 1-65535");
    assertThatThrownBy(() -> parse("-agent", "a", "-host", "h:x"))
        .hasMessage("-host h:x: port must be a number 1-65535");
  }

  @Test
  void exitsWithUsageErrorAndHelpHint() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new ClientMain()).setErr(new PrintWriter(err)).execute("-agent", "alice");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("at least one -host");
  }

  @Test
  void parsesHostForms() {
    assertThat(ServerAddress.parse("h")).isEqualTo(new ServerAddress("h", 7003));
    assertThat(ServerAddress.parse("127.0.0.2:7003"))
        .isEqualTo(new ServerAddress("127.0.0.2", 7003));
    assertThat(ServerAddress.parse("::1")).isEqualTo(new ServerAddress("::1", 7003));
    assertThat(ServerAddress.parse("[::1]:8000")).isEqualTo(new ServerAddress("::1", 8000));
    assertThat(ServerAddress.parse("[fe80::1]")).isEqualTo(new ServerAddress("fe80::1", 7003));
    assertThatThrownBy(() -> ServerAddress.parse(":7003"))
        .hasMessageContaining("host part is empty");
    assertThatThrownBy(() -> ServerAddress.parse("[::1")).hasMessageContaining("missing ']'");
  }
}
