package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.api.RecordingRoutes;
import cz.zoom.screenrec.server.encode.EncodeWorkers;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import cz.zoom.screenrec.server.peers.PeerClient;
import cz.zoom.screenrec.server.peers.Peers;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.replay.audio.AudioService;
import cz.zoom.screenrec.server.replay.audio.CallAudio;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's media for the browser, from whichever cluster holds them (session cookie; ReplayAuth):
 * {@code
 * /replay/media/{clusterId}/recordings/{id}/segments/{index}|video|thumbnail|thumbnails/{atMs}} and
 * {@code /replay/media/{clusterId}/calls/{callId}/audio}. Another cluster's media are proxied from
 * its REST API with Range and the answer's status and range headers passed through.
 */
public final class MediaRoutes implements HttpApi.Routes {
  private static final Logger log = LoggerFactory.getLogger(MediaRoutes.class);
  private static final List<String> PASSED_HEADERS =
      List.of(
          "Content-Type",
          "Content-Length",
          "Content-Range",
          "Accept-Ranges",
          "Cache-Control",
          "Retry-After",
          "ETag",
          "Last-Modified");

  private static final Pattern WHAT =
      Pattern.compile("video|thumbnail|segments/\\d{1,9}|thumbnails/\\d{1,12}(\\.jpg)?");

  private final String clusterId;
  private final RecordingStore recordings;
  private final LocalMediaStore media;
  private final AudioService audio;
  private final Thumbnails thumbnails;
  private final EncodeWorkers encodes;
  private final Peers peers;

  public MediaRoutes(
      String clusterId,
      RecordingStore recordings,
      LocalMediaStore media,
      AudioService audio,
      Thumbnails thumbnails,
      EncodeWorkers encodes,
      Peers peers) {
    this.encodes = encodes;
    this.clusterId = clusterId;
    this.recordings = recordings;
    this.media = media;
    this.audio = audio;
    this.thumbnails = thumbnails;
    this.peers = peers;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/replay/media/{clusterId}/recordings/{id}/segments/{index}",
        ctx -> recording(ctx, "segments/" + ctx.pathParam("index")),
        Access.REVIEWER);
    app.get(
        "/replay/media/{clusterId}/recordings/{id}/video",
        ctx -> recording(ctx, "video"),
        Access.REVIEWER);
    app.get(
        "/replay/media/{clusterId}/recordings/{id}/thumbnail",
        ctx -> recording(ctx, "thumbnail"),
        Access.REVIEWER);
    app.get(
        "/replay/media/{clusterId}/recordings/{id}/thumbnails/{at}",
        ctx -> recording(ctx, "thumbnails/" + ctx.pathParam("at")),
        Access.REVIEWER);
    app.get("/replay/media/{clusterId}/calls/{callId}/audio", this::audio, Access.REVIEWER);
  }

  private void recording(Context ctx, String what) throws Exception {
    String cluster = HttpApi.name("cluster id", ctx.pathParam("clusterId"));
    String id = HttpApi.recordingId(ctx);
    if (!WHAT.matcher(what).matches()) {
      // it becomes part of a peer's URL: only what the routes name, never a path of its own
      throw ApiException.badRequest("a segment index or thumbnail time is a whole number");
    }
    if (!cluster.equals(clusterId)) {
      proxy(ctx, cluster, "/api/v1/recordings/" + id + "/" + what);
      return;
    }
    Recording r = ClusterRoutes.readyRecording(recordings, id);
    if (what.startsWith("thumbnails/")) {
      ClusterRoutes.serveThumbnail(ctx, thumbnails, r, what.substring("thumbnails/".length()));
    } else if (what.startsWith("segments/")) {
      RecordingRoutes.serveSegment(ctx, recordings, media, r, what.substring("segments/".length()));
    } else if (what.equals("video")) {
      RecordingRoutes.serveVideo(ctx, encodes.video(r));
    } else {
      ClusterRoutes.serveThumbnail(ctx, r, thumbnails.poster(r));
    }
  }

  private void audio(Context ctx) throws Exception {
    String cluster = HttpApi.name("cluster id", ctx.pathParam("clusterId"));
    String callId = CallIds.check(ctx.pathParam("callId"));
    if (!cluster.equals(clusterId)) {
      proxy(ctx, cluster, "/api/v1/calls/" + callId + "/audio");
      return;
    }
    CallAudio a =
        audio
            .find(callId)
            .orElseThrow(() -> ApiException.notFound("call " + callId + " has no audio here"));
    serve(ctx, audio.playableFile(a), a.contentType());
  }

  private static void serve(Context ctx, Path file, String contentType) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ApiException(410, "media_missing", "the file is no longer in the media store");
    }
    ctx.header("Cache-Control", "private, max-age=3600");
    RangeResponse.serve(ctx, file, contentType);
  }

  private void proxy(Context ctx, String cluster, String path)
      throws IOException, InterruptedException {
    if (!Limits.NAME.matcher(cluster).matches()) {
      throw ApiException.badRequest("bad cluster id");
    }
    PeerClient peer =
        peers
            .find(cluster)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "cluster " + cluster + " is not a known peer of this server"));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h : List.of("Range", "If-Range")) {
      String v = ctx.header(h);
      if (v != null) {
        headers.put(h, v);
      }
    }
    HttpResponse<InputStream> r;
    try {
      r = peer.stream(path, headers);
    } catch (IOException e) {
      log.warn("peer {} (cluster {}) did not serve {}: {}", peer, cluster, path, e.toString());
      throw new ApiException(502, "peer_unavailable", "cluster " + cluster + " does not answer");
    }
    try (InputStream in = r.body()) {
      // the peer's Content-Length counts the bytes it sent; compressing them here would break it
      ctx.disableCompression();
      ctx.status(r.statusCode());
      for (String h : PASSED_HEADERS) {
        r.headers().firstValue(h).ifPresent(v -> ctx.header(h, v));
      }
      in.transferTo(ctx.outputStream());
    }
  }
}
