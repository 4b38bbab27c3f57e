package cz.zoom.screenrec.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The replay's settings: peers, sessions, first admin password. */
class ReplayConfigTest {
  static final String TOKEN = "peer-token-0123456789";

  @Test
  void defaults() {
    ServerConfig c = ServerConfig.builder().build();
    assertThat(c.sessionIdle()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.sessionMax()).isEqualTo(Duration.ofHours(12));
    assertThat(c.loginLock()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.adminPassword()).isNull();
    assertThat(c.peers()).isEmpty();
    assertThat(c.peerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxAudioBytes()).isEqualTo(512L * 1024 * 1024);
  }

  @Test
  void peersAreUrlEqualsToken() {
    ServerConfig c =
        ServerConfig.builder()
            .peerCluster("http://cluster-b.example:8080/=" + TOKEN)
            .peerCluster("https://10.0.0.2:8443?x=1=" + TOKEN)
            .build();
    assertThat(c.peers()).hasSize(2);
    assertThat(c.peers().get(0).url().toString()).isEqualTo("http://cluster-b.example:8080");
    assertThat(c.peers().get(0).token()).isEqualTo(TOKEN);
    assertThat(c.peers().get(1).url().toString())
        .as("the token follows the last '='")
        .isEqualTo("https://10.0.0.2:8443?x=1");
    assertThat(c.peers().get(1).toString()).doesNotContain(TOKEN);
  }

  @Test
  void badReplaySettingsAreAllReportedAtOnce() {
    assertThatThrownBy(
            () ->
                ServerConfig.builder()
                    .peerCluster("no-token-here")
                    .peerCluster("ftp://x=" + TOKEN)
                    .peerCluster("http://x:1=short")
                    .sessionIdleMs(500)
                    .adminPassword("short")
                    .peerTimeoutMs(10)
                    .build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--peer-cluster must be URL=TOKEN")
        .hasMessageContaining("--peer-cluster URL must be an absolute http(s) URL")
        .hasMessageContaining("must be that cluster's API token")
        .hasMessageContaining("--session-idle-minutes")
        .hasMessageContaining("--admin-password must be at least 8 characters")
        .hasMessageContaining("--peer-timeout");
  }
}
