package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.server.encode.EncodeWorkers;
import cz.zoom.screenrec.server.evidence.RecordingEvidence;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finding recordings and fetching their media: the capture segments (what the replay plays), the
 * video (encoded on the first request: {@code 202} with {@code Retry-After} until it is there) and
 * the evidence.
 */
public final class RecordingRoutes implements HttpApi.Routes {
  private static final int LIST_LIMIT = 500;

  /** Seconds a client is told to wait before asking again for a video being encoded. */
  static final int VIDEO_RETRY_AFTER_S = 2;

  static final int BUSY_RETRY_AFTER_S = 30;

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final EncodeWorkers encodes;

  public RecordingRoutes(RecordingStore store, LocalMediaStore media, EncodeWorkers encodes) {
    this.store = store;
    this.media = media;
    this.encodes = encodes;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get("/api/v1/recordings", this::list, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}", this::one, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/video", this::video, Access.API_TOKEN);
    app.get("/api/v1/recordings/{id}/segments/{index}", this::segment, Access.API_TOKEN);
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
    serveVideo(ctx, encodes.video(ready(ctx)));
  }

  private void segment(Context ctx) throws IOException {
    serveSegment(ctx, store, media, ready(ctx), ctx.pathParam("index"));
  }

  /**
   * A video as {@link EncodeWorkers#video} says it is: the file, or {@code 202} with {@code
   * Retry-After} and {@code {"state":"ENCODING","progress":0..1}} while it is encoded, {@code 503
   * encoders_busy} with {@code Retry-After} when too many encodes wait to start another, or {@code
   * 500 video_failed}.
   */
  public static void serveVideo(Context ctx, EncodeWorkers.VideoState state) throws IOException {
    if (state instanceof EncodeWorkers.VideoState.Ready ready) {
      serve(ctx, ready.file(), ready.codec().contentType());
    } else if (state instanceof EncodeWorkers.VideoState.Encoding encoding) {
      ctx.status(202)
          .header("Retry-After", String.valueOf(VIDEO_RETRY_AFTER_S))
          .header("Cache-Control", "no-store")
          .json(Map.of("state", "ENCODING", "progress", encoding.progress()));
    } else if (state instanceof EncodeWorkers.VideoState.Busy) {
      ctx.header("Retry-After", String.valueOf(BUSY_RETRY_AFTER_S))
          .header("Cache-Control", "no-store");
      throw new ApiException(
          503, "encoders_busy", "too many videos are waiting to be encoded; ask again later");
    } else {
      throw new ApiException(
          500,
          "video_failed",
          "the video could not be encoded: " + ((EncodeWorkers.VideoState.Failed) state).reason());
    }
  }

  /**
   * One stored capture segment of a READY recording, as the client uploaded it (its SHA-256 is the
   * ETag): what the replay's player decodes.
   */
  public static void serveSegment(
      Context ctx, RecordingStore store, LocalMediaStore media, Recording r, String indexText)
      throws IOException {
    int index;
    try {
      index = Integer.parseInt(indexText);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("segment index must be a whole number");
    }
    Segment s =
        store
            .findSegment(r.id(), index)
            .orElseThrow(
                () -> ApiException.notFound("recording " + r.id() + " has no segment " + index));
    // a segment's bytes never change once stored (a second upload must match its checksum)
    ctx.header("ETag", "\"" + s.sha256() + "\"");
    serve(ctx, media.segmentPath(r.id(), s.index()), "application/octet-stream");
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
