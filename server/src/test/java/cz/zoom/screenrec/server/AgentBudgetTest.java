package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Configure;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload budget: {@code --max-upload-kbps} reaches every client in WELCOME, {@code PUT
 * /api/v1/agents/{agent}/capture} with {@code maxKbps} alone changes one agent's budget at run time
 * (CONFIGURE) and stays that agent's for its next connection, and bad settings are refused.
 */
class AgentBudgetTest {
  @TempDir Path dataDir;
  ServerFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dataDir, ServerConfig.builder().maxUploadKbps(800));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  @Test
  void theBudgetGoesToClientsAndChangesPerAgentAtRunTime() throws Exception {
    CaptureSettings before;
    try (TestAgent alice = fx.agent()) {
      alice.send(TestAgent.hello("alice"));
      before = alice.receive(Welcome.class).capture();
      assertThat(before.maxKbps()).isEqualTo(800);

      CompletableFuture<HttpResponse<String>> answer = put("alice", "{\"maxKbps\":300}");
      Configure configure = alice.receive(Configure.class);
      // only the budget changed; everything else is what the agent had
      assertThat(configure.capture()).isEqualTo(before.withMaxKbps(300));
      alice.send(new Ack(configure.seq(), true, null));
      HttpResponse<String> ok = answer.get();
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ServerFixture.json(ok).at("/capture/maxKbps").asInt()).isEqualTo(300);
    }
    try (TestAgent again = fx.agent()) {
      again.send(TestAgent.hello("alice"));
      assertThat(again.receive(Welcome.class).capture()).isEqualTo(before.withMaxKbps(300));
    }
    try (TestAgent bob = fx.agent()) {
      bob.send(TestAgent.hello("bob"));
      assertThat(bob.receive(Welcome.class).capture().maxKbps()).isEqualTo(800);
    }
  }

  @Test
  void badBudgetsAreRefusedAndChangeNothing() throws Exception {
    try (TestAgent alice = fx.agent()) {
      alice.send(TestAgent.hello("alice"));
      alice.receive(Welcome.class);
      for (String body :
          new String[] {
            "{\"maxKbps\":10}",
            "{\"maxKbps\":null}",
            "{\"maxKbps\":2000000}",
            "{\"maxKbps\":\"fast\"}",
            "{\"maxkbps\":300}",
            "[300]",
            "300",
            "{\"maxKbps\":"
          }) {
        HttpResponse<String> r = put("alice", body).get();
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
        JsonNode error = ServerFixture.json(r);
        assertThat(error.path("error").asText()).as(r.body()).isNotBlank();
      }
      HttpResponse<String> noToken =
          fx.send(
              HttpRequest.newBuilder(java.net.URI.create(fx.base + "/api/v1/agents/alice/capture"))
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"maxKbps\":300}")));
      assertThat(noToken.statusCode()).isEqualTo(401);
    }
    try (TestAgent again = fx.agent()) {
      again.send(TestAgent.hello("alice"));
      assertThat(again.receive(Welcome.class).capture().maxKbps()).isEqualTo(800);
    }
  }

  @Test
  void aServerBudgetOutsideTheBoundsIsAStartProblem() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServerConfig.builder().dataDir(dataDir.resolve("other")).maxUploadKbps(5).build())
        .hasMessageContaining("--max-upload-kbps must be 50..1000000, was 5");
  }

  private CompletableFuture<HttpResponse<String>> put(String agent, String body) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return fx.send(
                fx.api("/api/v1/agents/" + agent + "/capture")
                    .PUT(HttpRequest.BodyPublishers.ofString(body)));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
  }
}
