package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;

/**
 * What peer clusters ask this one (API token): {@code GET /api/v1/cluster}, {@code GET
 * /api/v1/calls?callId=&agent=&from=&to=}, {@code GET /api/v1/calls/{callId}/media}, and the
 * thumbnails a peer's replay shows: {@code GET /api/v1/recordings/{id}/thumbnail} (the poster) and
 * {@code /api/v1/recordings/{id}/thumbnails/{atMs}}.
 */
public final class ClusterRoutes implements HttpApi.Routes {
  private final LocalCalls calls;
  private final RecordingStore recordings;
  private final Thumbnails thumbnails;

  public ClusterRoutes(LocalCalls calls, RecordingStore recordings, Thumbnails thumbnails) {
    this.calls = calls;
    this.recordings = recordings;
    this.thumbnails = thumbnails;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/api/v1/cluster",
        ctx -> ctx.json(Map.of("clusterId", calls.clusterId())),
        Access.API_TOKEN);
    app.get(
        "/api/v1/calls",
        ctx ->
            ctx.json(
                calls.search(
                    Bodies.optionalCallId(ctx),
                    Bodies.optionalName(ctx, "agent"),
                    Bodies.time(ctx, "from"),
                    Bodies.time(ctx, "to"))),
        Access.API_TOKEN);
    app.get(
        "/api/v1/calls/{callId}/media",
        ctx -> ctx.json(calls.call(CallIds.check(ctx.pathParam("callId")))),
        Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/thumbnail", this::poster, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/thumbnails/{at}", this::thumbnail, Access.API_TOKEN);
  }

  private void poster(Context ctx) throws IOException {
    Recording r = readyRecording(recordings, HttpApi.recordingId(ctx));
    serveThumbnail(ctx, r, thumbnails.poster(r));
  }

  private void thumbnail(Context ctx) throws IOException {
    Recording r = readyRecording(recordings, HttpApi.recordingId(ctx));
    serveThumbnail(ctx, thumbnails, r, ctx.pathParam("at"));
  }

  static Recording readyRecording(RecordingStore recordings, String id) {
    Recording r =
        recordings
            .findRecording(id)
            .orElseThrow(() -> ApiException.notFound("unknown recording " + id));
    if (r.status() != RecordingStatus.READY) {
      throw new ApiException(
          409, "not_ready", "recording " + id + " is " + r.status() + "; it is not playable yet");
    }
    return r;
  }

  static void serveThumbnail(Context ctx, Thumbnails thumbnails, Recording r, String atText)
      throws IOException {
    long at;
    try {
      at =
          Long.parseLong(
              atText.endsWith(".jpg") ? atText.substring(0, atText.length() - 4) : atText);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("thumbnail time must be ms from the video start");
    }
    Thumbnails.Result t = thumbnails.thumbnail(r, at);
    if (t instanceof Thumbnails.Result.None) {
      throw ApiException.notFound(
          "no thumbnail at " + at + " ms (one every " + Thumbnails.STEP_MS + " ms)");
    }
    serveThumbnail(ctx, r, t);
  }

  /** A thumbnail or poster: the file, or {@code 503} with {@code Retry-After} while it is made. */
  static void serveThumbnail(Context ctx, Recording r, Thumbnails.Result t) throws IOException {
    if (t instanceof Thumbnails.Result.Ready ready) {
      ctx.header("Cache-Control", "private, max-age=86400");
      RangeResponse.serve(ctx, ready.file(), "image/jpeg");
    } else if (t instanceof Thumbnails.Result.Pending) {
      // answered at once rather than held until the pass is done (see Thumbnails): the browser
      // retries
      ctx.status(503)
          .header("Cache-Control", "no-store")
          .header("Retry-After", "2")
          .json(
              Map.of(
                  "error",
                  "thumbnail_pending",
                  "message",
                  "the thumbnails of recording " + r.id() + " are being made; ask again"));
    } else {
      throw ApiException.notFound("recording " + r.id() + " has no picture to show");
    }
  }
}
