package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import cz.zoom.screenrec.server.replay.audio.AudioService;
import cz.zoom.screenrec.server.replay.audio.CallAudio;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The call recorder's audio intake and the audio's read side, under /api/v1 (API token): {@code PUT
 * /api/v1/calls/{callId}/audio?startedAt=&format=&agent=}, {@code GET .../audio/info}, {@code GET
 * .../audio} (the browser-playable file, with Range), {@code GET .../audio/evidence} (its signed
 * manifest, docs/security.md).
 */
public final class AudioRoutes implements HttpApi.Routes {
  private final AudioService audio;
  private final String clusterId;

  public AudioRoutes(AudioService audio, String clusterId) {
    this.audio = audio;
    this.clusterId = clusterId;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.put("/api/v1/calls/{callId}/audio", this::put, Access.API_TOKEN);
    app.get("/api/v1/calls/{callId}/audio/info", this::info, Access.API_TOKEN);
    app.get("/api/v1/calls/{callId}/audio", this::file, Access.API_TOKEN);
    app.get("/api/v1/calls/{callId}/audio/evidence", this::evidence, Access.API_TOKEN);
  }

  private void put(Context ctx) throws IOException {
    String callId = CallIds.check(ctx.pathParam("callId"));
    String started = ctx.queryParam("startedAt");
    long startedAt;
    try {
      startedAt = Long.parseLong(started == null ? "" : started);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("startedAt (UTC ms of the first sample) is required");
    }
    String format = ctx.queryParam("format");
    String agent = ctx.queryParam("agent");
    if (agent != null && !agent.isEmpty()) {
      HttpApi.name("agent", agent);
    } else {
      agent = null;
    }
    CallAudio a =
        audio.intake(
            callId,
            agent,
            startedAt,
            format == null || format.isEmpty() ? null : format,
            ctx.req().getContentLengthLong(),
            ctx.bodyInputStream());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("callId", a.callId());
    body.put("startedAt", a.startedAt());
    body.put("durationMs", a.durationMs());
    body.put("format", a.format());
    body.put("codec", a.codec());
    body.put("contentType", a.contentType());
    ctx.status(201).json(body);
  }

  private void info(Context ctx) {
    CallAudio a = find(ctx);
    ctx.json(info(a, clusterId));
  }

  /** The audio as peers and the replay see it; {@code url} is relative to this server. */
  public static Map<String, Object> info(CallAudio a, String clusterId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("callId", a.callId());
    body.put("clusterId", clusterId);
    body.put("agent", a.agent());
    body.put("startedAt", a.startedAt());
    body.put("durationMs", a.durationMs());
    body.put("format", a.format());
    body.put("codec", a.codec());
    body.put("contentType", a.contentType());
    body.put("url", "/api/v1/calls/" + a.callId() + "/audio");
    return body;
  }

  private void file(Context ctx) throws IOException {
    CallAudio a = find(ctx);
    serve(ctx, a, audio.playableFile(a), a.contentType());
  }

  private void evidence(Context ctx) throws IOException {
    CallAudio a = find(ctx);
    serve(ctx, a, audio.evidenceFile(a), "application/json");
  }

  private static void serve(Context ctx, CallAudio a, Path file, String contentType)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ApiException(
          410, "media_missing", "the audio of call " + a.callId() + " is no longer stored");
    }
    ctx.header("Cache-Control", "private, max-age=3600");
    RangeResponse.serve(ctx, file, contentType);
  }

  private CallAudio find(Context ctx) {
    String callId = CallIds.check(ctx.pathParam("callId"));
    return audio
        .find(callId)
        .orElseThrow(() -> ApiException.notFound("call " + callId + " has no audio here"));
  }
}
