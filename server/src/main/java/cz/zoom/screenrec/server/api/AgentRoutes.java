package cz.zoom.screenrec.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Configure;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.AgentSession;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.server.storage.StripedLocks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Which agents have a Capture Client connected to this server, and what they are doing. */
public final class AgentRoutes implements HttpApi.Routes {
  /** One connected agent. */
  public record AgentView(
      String agent,
      String state,
      String recordingId,
      long connectedAt,
      String machine,
      String clientVersion,
      String remoteAddress,
      String role,
      long clockOffsetMs,
      long roundTripMs) {}

  /** The settings a PUT may name: CaptureSettings' fields. */
  private static final Set<String> FIELDS =
      Arrays.stream(CaptureSettings.class.getRecordComponents())
          .map(RecordComponent::getName)
          .collect(Collectors.toCollection(LinkedHashSet::new));

  private final AgentRegistry agents;
  private final CaptureSettings defaults;
  private final StripedLocks locks = new StripedLocks(64);

  public AgentRoutes(AgentRegistry agents, CaptureSettings defaults) {
    this.agents = agents;
    this.defaults = defaults;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/api/v1/agents",
        ctx ->
            ctx.json(
                agents.all().stream()
                    .sorted(Comparator.comparing(AgentSession::agent))
                    .map(AgentRoutes::view)
                    .toList()),
        Access.API_TOKEN);
    app.put("/api/v1/agents/{agent}/capture", this::configure, Access.API_TOKEN);
  }

  /**
   * Changes how one agent's client captures, now (CONFIGURE); answers with the client's ACK. The
   * fields given replace the agent's current ones ({@code {"maxKbps":300}} changes only the
   * budget), and the result stays the agent's settings for its later connections to this server.
   */
  private void configure(Context ctx) {
    String agent = HttpApi.name("agent", ctx.pathParam("agent"));
    // one change of an agent's settings at a time: each merges into what the last one stored
    synchronized (locks.forKey(agent)) {
      configure(ctx, agent);
    }
  }

  private void configure(Context ctx, String agent) {
    CaptureSettings settings;
    try {
      JsonNode body = Json.MAPPER.readTree(ctx.bodyAsBytes());
      if (!(body instanceof ObjectNode given)) {
        throw ApiException.badRequest("body must be a JSON object of capture settings");
      }
      given
          .fields()
          .forEachRemaining(
              f -> {
                if (!FIELDS.contains(f.getKey())) {
                  throw ApiException.badRequest(
                      "unknown capture setting \"" + f.getKey() + "\": expected some of " + FIELDS);
                }
                if (f.getValue().isNull()) {
                  throw ApiException.badRequest(
                      "capture setting \"" + f.getKey() + "\" must not be null");
                }
              });
      ObjectNode merged = Json.MAPPER.valueToTree(agents.captureFor(agent, defaults));
      merged.setAll(given);
      settings = Json.MAPPER.treeToValue(merged, CaptureSettings.class);
      settings.validate();
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.badRequest(
          "body must hold some of \"framesPerSecond\", \"scaleDivisor\", \"keyframeIntervalMs\","
              + " \"segmentDurationMs\", \"screens\", \"maxKbps\"");
    } catch (ProtocolException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    AgentSession session =
        agents
            .find(agent)
            .orElseThrow(
                () ->
                    new ApiException(
                        409,
                        "agent_not_connected",
                        "agent " + agent + " has no Capture Client connected to this server"));
    Ack ack;
    CompletableFuture<Ack> answer = session.command(seq -> new Configure(seq, settings));
    try {
      ack = answer.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted", "the server is shutting down");
    } catch (ExecutionException | TimeoutException e) {
      throw new ApiException(
          504, "client_timeout", "the client did not acknowledge the new settings in 5 s");
    } finally {
      // an ACK that comes later finds no command waiting for it
      answer.cancel(false);
    }
    if (!ack.ok()) {
      throw new ApiException(
          409, "client_refused", "the client refused the settings: " + ack.message());
    }
    agents.capture(agent, settings);
    ctx.json(Map.of("agent", agent, "capture", settings));
  }

  private static AgentView view(AgentSession s) {
    return new AgentView(
        s.agent(),
        s.recordingId() == null ? "IDLE" : "RECORDING",
        s.recordingId(),
        s.connectedAt(),
        s.hello().machine(),
        s.hello().clientVersion(),
        String.valueOf(s.remoteAddress()),
        s.hello().hostIndex() == null || s.hello().hostIndex() == 0 ? "primary" : "secondary",
        s.clockOffsetMs(),
        s.roundTripMs());
  }
}
