package cz.zoom.screenrec.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.builder().build();
    assertThat(c.controlPort()).isEqualTo(7003);
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(c.dbUrl()).startsWith("jdbc:h2:file:").contains("db");
    assertThat(c.uploadUrl()).isEqualTo("https://127.0.0.1:8080/mus/v1");
    assertThat(c.deadPeerTimeout().toMillis()).isEqualTo(10_000);
    assertThat(c.maxRecordingBytes()).isEqualTo(16L * 1024 * 1024 * 1024);
    assertThat(c.encodeBudgetFactor()).isEqualTo(1.0);
    assertThat(c.encodeBudgetMin()).hasSeconds(120);
  }

  @Test
  void anEncodeBudgetOutsideItsRangeIsRefused() {
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () -> ServerConfig.builder().encodeBudgetFactor(0).encodeBudgetMinMs(999).build());
    assertThat(e.getMessage())
        .contains("--encode-budget-factor must be above 0")
        .contains("--encode-budget-min must be");
    assertThat(
            catchThrowableOfType(
                InvalidConfigException.class,
                () -> ServerConfig.builder().encodeBudgetFactor(Double.NaN).build()))
        .isNotNull();
  }

  @Test
  void aRecordingQuotaOutsideItsRangeIsRefused() {
    for (long mb : new long[] {0, -1, 16L * 1024 * 1024 + 1}) {
      InvalidConfigException e =
          catchThrowableOfType(
              InvalidConfigException.class,
              () -> ServerConfig.builder().maxRecordingMb(mb).build());
      assertThat(e.getMessage()).contains("--max-recording-mb must be 1..16777216");
    }
    assertThat(ServerConfig.builder().maxRecordingMb(1).build().maxRecordingBytes())
        .isEqualTo(1024 * 1024);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () ->
                ServerConfig.builder()
                    .controlPort(70000)
                    .httpPort(0)
                    .clusterId("bad id!")
                    .apiToken("short")
                    .publicUrl("ftp://x")
                    .heartbeatIntervalMs(5000)
                    .deadPeerTimeoutMs(6000)
                    .framesPerSecond(0)
                    .build());
    assertThat(e.problems()).hasSize(7);
    assertThat(e.getMessage())
        .contains("--control-port must be 0..65535")
        .contains("--http-port must be 1..65535")
        .contains("--cluster-id must be")
        .contains("--api-token must be at least 16 characters")
        .contains("--public-url must be an absolute http(s) URL")
        .contains("--dead-peer-timeout must be at least twice the heartbeat interval")
        .contains("--fps must be 1..30");
  }

  @Test
  void theHttpAreasMustFitInsideTheThreadPool() {
    ServerConfig c = ServerConfig.builder().build();
    assertThat(c.httpThreads()).isEqualTo(200);
    assertThat(
            c.httpApiRequests()
                + c.httpUploadRequests()
                + c.httpReplayRequests()
                + ServerConfig.RESERVED_HTTP_THREADS)
        .isLessThanOrEqualTo(c.httpThreads());
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () ->
                ServerConfig.builder()
                    .httpThreads(100)
                    .httpApiRequests(50)
                    .httpUploadRequests(30)
                    .httpReplayRequests(10)
                    .build());
    assertThat(e.getMessage()).contains("--http-threads (100) must be at least").contains("(106)");
    InvalidConfigException bounds =
        catchThrowableOfType(
            InvalidConfigException.class,
            () ->
                ServerConfig.builder()
                    .httpThreads(10)
                    .httpApiRequests(0)
                    .httpMinBodyRate(1)
                    .httpIdleTimeoutMs(10)
                    .loginsPerAddress(0)
                    .build());
    assertThat(bounds.problems()).hasSize(5);
    assertThat(bounds.getMessage())
        .contains("--http-threads must be 32..20000")
        .contains("--http-api-requests")
        .contains("--http-min-body-rate")
        .contains("--http-idle-timeout")
        .contains("--logins-per-address");
  }

  @Test
  void theControlThreadsMustLeaveDatabaseConnectionsForTheHttpPort() {
    ServerConfig c = ServerConfig.builder().build();
    assertThat(c.controlThreads()).isEqualTo(4);
    assertThat(c.dbPoolSize()).isEqualTo(10);
    assertThat(ServerConfig.builder().controlThreads(1).dbPoolSize(2).build().controlThreads())
        .isEqualTo(1);
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () -> ServerConfig.builder().controlThreads(10).dbPoolSize(10).build());
    assertThat(e.getMessage())
        .contains("--control-threads (10) must be less than --db-pool-size (10)");
    InvalidConfigException bounds =
        catchThrowableOfType(
            InvalidConfigException.class,
            () -> ServerConfig.builder().controlThreads(0).dbPoolSize(1).build());
    assertThat(bounds.problems()).hasSize(2);
    assertThat(bounds.getMessage())
        .contains("--control-threads must be 1..256")
        .contains("--db-pool-size must be 2..1000");
  }

  @Test
  void publicUrlDecidesWhereClientsUpload() {
    ServerConfig c = ServerConfig.builder().publicUrl("https://rec.example.com/").build();
    assertThat(c.uploadUrl()).isEqualTo("https://rec.example.com/mus/v1");
    assertThat(ServerConfig.builder().bindAddress("127.0.0.2").httpPort(9000).build().uploadUrl())
        .isEqualTo("https://127.0.0.2:9000/mus/v1");
    assertThat(
            ServerConfig.builder()
                .bindAddress("127.0.0.2")
                .httpPort(9000)
                .plaintext(true)
                .build()
                .uploadUrl())
        .isEqualTo("http://127.0.0.2:9000/mus/v1");
  }

  @Test
  void tlsSettingsAreCheckedTogether() {
    assertThatThrownBy(() -> ServerConfig.builder().tlsCert(Path.of("/nonexistent.pem")).build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--tls-cert, --tls-key and --tls-ca go together")
        .hasMessageContaining("cannot read");
    assertThatThrownBy(
            () -> ServerConfig.builder().plaintext(true).publicUrl("https://x.example").build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--plaintext serves http");
  }
}
