package cz.zoom.screenrec.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The call-event API: the call recorder tells this cluster when an agent's call starts and ends.
 */
public final class CallRoutes implements HttpApi.Routes {
  private final RecordingService recordings;

  public CallRoutes(RecordingService recordings) {
    this.recordings = recordings;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.post("/api/v1/calls/{callId}/start", this::start, Access.API_TOKEN);
    app.post("/api/v1/calls/{callId}/end", this::end, Access.API_TOKEN);
  }

  private void start(Context ctx) {
    String callId = HttpApi.name("call id", ctx.pathParam("callId"));
    String agent = HttpApi.name("agent", bodyField(ctx, "agent"));
    Recording r = recordings.callStarted(callId, agent);
    ctx.status(201).json(summary(callId, r));
  }

  private void end(Context ctx) {
    String callId = HttpApi.name("call id", ctx.pathParam("callId"));
    ctx.json(summary(callId, recordings.callEnded(callId)));
  }

  private static Map<String, Object> summary(String callId, Recording r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("callId", callId);
    if (r != null) {
      body.put("agent", r.agent());
      body.put("recordingId", r.id());
      body.put("status", r.status().name());
    }
    return body;
  }

  private static String bodyField(Context ctx, String field) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ApiException.badRequest("body must be a JSON object like {\"" + field + "\": \"...\"}");
    }
    if (body == null || !body.isObject() || !body.path(field).isTextual()) {
      throw ApiException.badRequest(
          "body must be a JSON object with a string field \"" + field + "\"");
    }
    return body.get(field).asText();
  }
}
