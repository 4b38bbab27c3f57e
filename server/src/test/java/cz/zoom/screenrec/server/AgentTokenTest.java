package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.enrollment.AgentTokens;
import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.Pem;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --agent-auth token: a HELLO gets in only with a good token for its own agent. */
class AgentTokenTest {
  @TempDir static Path dir;
  static ServerFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        new ServerFixture(
            dir,
            ServerConfig.builder()
                .agentAuth("token")
                .heartbeatIntervalMs(500)
                .deadPeerTimeoutMs(5_000)
                .helloTimeoutMs(3_000));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void aHelloWithTheAgentsTokenIsWelcomed() throws Exception {
    String token = mint("alice", "{\"validMinutes\":60}");
    try (TestAgent a = fx.agent()) {
      a.send(hello("alice", token));
      assertThat(a.receive(Welcome.class).clusterId()).isEqualTo("default");
    }
  }

  @Test
  void noTokenAnotherAgentsAForgedOrAnExpiredOneIsRefused() throws Exception {
    String bobs = mint("bob", "{}");
    int dot = bobs.indexOf('.');
    char last = bobs.charAt(bobs.length() - 2);
    String forged = bobs.substring(0, bobs.length() - 2) + (last == 'A' ? 'B' : 'A') + "x";
    CertificateAuthority ca =
        new CertificateAuthority(
            ServerFixture.ca(dir),
            Pem.privateKey(Files.readString(dir.resolve("tls").resolve("ca-key.pem"))));
    String expired =
        new AgentTokens(ca, Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
            .mint("carol", Duration.ofHours(1))
            .token();
    String otherCa =
        new AgentTokens(CertificateAuthority.create("other", Duration.ofDays(1)), Clock.systemUTC())
            .mint("carol", Duration.ofHours(1))
            .token();
    assertThat(dot).isPositive();
    assertRefused("carol", null);
    assertRefused("carol", bobs);
    assertRefused("bob", forged);
    assertRefused("carol", expired);
    assertRefused("carol", otherCa);
    assertRefused("carol", "not-a-token");
  }

  @Test
  void tokensAreMintedWithTheApiTokenOnlyAndForAtMostADay() throws Exception {
    HttpResponse<String> anonymous =
        fx.send(
            HttpRequest.newBuilder(URI.create(fx.base + "/api/v1/agents/alice/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(fx.post("/api/v1/agents/alice/tokens", "{\"validMinutes\":0}").statusCode())
        .isEqualTo(400);
    assertThat(fx.post("/api/v1/agents/alice/tokens", "{\"validMinutes\":1441}").statusCode())
        .isEqualTo(400);
    assertThat(fx.post("/api/v1/agents/../tokens", "{}").statusCode()).isIn(400, 404);
  }

  private static void assertRefused(String agent, String token) throws Exception {
    try (TestAgent a = fx.agent()) {
      a.send(hello(agent, token));
      ErrorMessage error = a.receive(ErrorMessage.class);
      assertThat(error.code()).as(String.valueOf(token)).isEqualTo(ErrorCode.AGENT_TOKEN_REFUSED);
      assertThat(a.closedByPeer()).isTrue();
    }
  }

  private static String mint(String agent, String body) throws Exception {
    HttpResponse<String> r = fx.post("/api/v1/agents/" + agent + "/tokens", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ServerFixture.json(r).get("token").asText();
  }

  private static Hello hello(String agent, String token) {
    return new Hello(
        Limits.PROTOCOL_VERSION,
        agent,
        "pc",
        "test",
        List.of(new Screen(0, 0, 0, 320, 240)),
        null,
        System.currentTimeMillis(),
        null,
        List.of(),
        token);
  }
}
