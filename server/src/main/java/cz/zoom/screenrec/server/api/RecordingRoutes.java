package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.server.evidence.RecordingEvidence;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding recordings and fetching their media. */
public final class RecordingRoutes implements HttpApi.Routes {
  private static final int LIST_LIMIT = 500;

  private final RecordingStore store;
  private final LocalMediaStore media;

  public RecordingRoutes(RecordingStore store, LocalMediaStore media) {
    this.store = store;
    this.media = media;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get("/api/v1/recordings", this::list, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}", this::one, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/video", this::video, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/thumbnail", this::thumbnail, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/evidence", this::evidence, Access.API_TOKEN);
  }

  /** The signed manifest of a READY recording (docs/security.md, "Evidence"). */
  private void evidence(Context ctx) throws IOException {
    Recording r = ready(ctx);
    serve(ctx, media.recordingDir(r.id()).resolve(RecordingEvidence.FILE), "application/json");
  }

  private void list(Context ctx) {
    String callId = optionalName(ctx, "callId");
    String agent = optionalName(ctx, "agent");
    ctx.json(
        store.findRecordings(callId, agent, LIST_LIMIT).stream()
            .map(r -> RecordingView.of(r, null))
            .toList());
  }

  private void one(Context ctx) {
    Recording r = find(ctx);
    ctx.json(RecordingView.of(r, store.segments(r.id())));
  }

  private void video(Context ctx) throws IOException {
    Recording r = ready(ctx);
    VideoCodec codec = VideoCodec.fromId(r.videoCodec());
    Path file = media.recordingDir(r.id()).resolve("video." + codec.extension());
    serve(ctx, file, codec.contentType());
  }

  private void thumbnail(Context ctx) throws IOException {
    Recording r = ready(ctx);
    serve(ctx, media.recordingDir(r.id()).resolve(RecordingEncoder.THUMBNAIL_NAME), "image/jpeg");
  }

  private static void serve(Context ctx, Path file, String contentType) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ApiException(
          410, "media_missing", "the file of this recording is no longer in the media store");
    }
    ctx.header("Cache-Control", "private, max-age=3600");
    RangeResponse.serve(ctx, file, contentType);
  }

  private Recording ready(Context ctx) {
    Recording r = find(ctx);
    if (r.status() != RecordingStatus.READY) {
      throw new ApiException(
          409,
          "not_ready",
          "recording "
              + r.id()
              + " is "
              + r.status()
              + (r.failureReason() == null ? "" : " (" + r.failureReason() + ")")
              + "; its video is not available");
    }
    return r;
  }

  private Recording find(Context ctx) {
    String id = HttpApi.recordingId(ctx);
    return store
        .findRecording(id)
        .orElseThrow(() -> ApiException.notFound("unknown recording " + id));
  }

  private static String optionalName(Context ctx, String param) {
    String v = ctx.queryParam(param);
    return v == null || v.isEmpty() ? null : HttpApi.name(param, v);
  }
}
