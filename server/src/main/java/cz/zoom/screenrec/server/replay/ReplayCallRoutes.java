package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.encode.EncodeWorkers;
import cz.zoom.screenrec.server.evidence.RecordingEvidence;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.RangeResponse;
import cz.zoom.screenrec.server.peers.PeerClient;
import cz.zoom.screenrec.server.peers.Peers;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.replay.CallMedia.Audio;
import cz.zoom.screenrec.server.replay.CallMedia.Screen;
import cz.zoom.screenrec.server.replay.ReplayCalls.CallDetail;
import cz.zoom.screenrec.server.replay.audio.AudioService;
import cz.zoom.screenrec.server.replay.audio.CallAudio;
import cz.zoom.screenrec.server.replay.audit.AuditAction;
import cz.zoom.screenrec.server.replay.audit.AuditLog;
import cz.zoom.screenrec.server.replay.auth.Role;
import cz.zoom.screenrec.server.replay.auth.Session;
import cz.zoom.screenrec.server.replay.export.CallExporter;
import cz.zoom.screenrec.server.replay.export.ExportJob;
import cz.zoom.screenrec.server.replay.export.ExportService;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.trust.Evidence;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay UI's call API: search, one call's media (audited as REPLAY), scrubber thumbnails and
 * exports (audited as EXPORT).
 */
public final class ReplayCallRoutes implements HttpApi.Routes {
  /** Longest an export waits for a recording's video to be encoded (a day-long call's budget). */
  static final Duration VIDEO_WAIT = Duration.ofHours(2);

  private final ReplayCalls calls;
  private final RecordingStore recordings;
  private final LocalMediaStore media;
  private final EncodeWorkers encodes;
  private final AudioService audio;
  private final Peers peers;
  private final ExportService exports;
  private final AuditLog audit;

  public ReplayCallRoutes(
      ReplayCalls calls,
      RecordingStore recordings,
      LocalMediaStore media,
      EncodeWorkers encodes,
      AudioService audio,
      Peers peers,
      ExportService exports,
      AuditLog audit) {
    this.calls = calls;
    this.recordings = recordings;
    this.media = media;
    this.encodes = encodes;
    this.audio = audio;
    this.peers = peers;
    this.exports = exports;
    this.audit = audit;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/replay/api/calls",
        ctx ->
            ctx.json(
                calls.search(
                    Bodies.optionalCallId(ctx),
                    Bodies.optionalName(ctx, "agent"),
                    Bodies.time(ctx, "from"),
                    Bodies.time(ctx, "to"))),
        Access.REVIEWER);
    app.get("/replay/api/calls/{callId}", this::call, Access.REVIEWER);
    app.get(
        "/replay/api/recordings/{clusterId}/{id}/thumbnails", this::thumbnails, Access.REVIEWER);
    app.post("/replay/api/calls/{callId}/export", this::export, Access.REVIEWER);
    app.get("/replay/api/exports/{exportId}", ctx -> ctx.json(status(job(ctx))), Access.REVIEWER);
    app.get("/replay/api/exports/{exportId}/file", this::file, Access.REVIEWER);
    app.get("/replay/api/exports/{exportId}/evidence", this::evidence, Access.REVIEWER);
  }

  private void call(Context ctx) {
    String callId = CallIds.check(ctx.pathParam("callId"));
    CallDetail d = calls.detail(callId);
    if (d == null) {
      throw ApiException.notFound("no cluster knows call " + callId);
    }
    audit.record(
        ReplayAuth.session(ctx).username(),
        AuditAction.REPLAY,
        callId,
        "screen="
            + d.screen().size()
            + " audio="
            + d.audio().size()
            + (d.unavailable().isEmpty() ? "" : " unavailable=" + d.unavailable()));
    ctx.json(d);
  }

  private void thumbnails(Context ctx) throws Exception {
    String cluster = HttpApi.name("cluster id", ctx.pathParam("clusterId"));
    String id = HttpApi.recordingId(ctx);
    long duration;
    if (cluster.equals(calls.local().clusterId())) {
      Recording r = ClusterRoutes.readyRecording(recordings, id);
      duration = r.videoDurationMs() == null ? 0 : r.videoDurationMs();
    } else {
      PeerClient peer =
          peers
              .find(cluster)
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "cluster " + cluster + " is not a known peer of this server"));
      try {
        duration =
            peer.getJson("/api/v1/recordings/" + id)
                .orElseThrow(() -> ApiException.notFound("unknown recording " + id))
                .path("video")
                .path("durationMs")
                .asLong(0);
      } catch (IOException e) {
        throw new ApiException(502, "peer_unavailable", "cluster " + cluster + " does not answer");
      }
    }
    List<Map<String, Object>> list = new ArrayList<>();
    for (long at = 0; at < duration; at += Thumbnails.STEP_MS) {
      list.add(
          Map.of(
              "at",
              at,
              "url",
              "/replay/media/" + cluster + "/recordings/" + id + "/thumbnails/" + at));
    }
    ctx.json(list);
  }

  private void export(Context ctx) {
    String callId = CallIds.check(ctx.pathParam("callId"));
    Session s = ReplayAuth.session(ctx);
    CallDetail d = calls.detail(callId);
    if (d == null) {
      throw ApiException.notFound("no cluster knows call " + callId);
    }
    List<Screen> videos =
        d.screen().stream()
            .filter(
                v ->
                    "READY".equals(v.status())
                        && v.startedAt() != null
                        && v.durationMs() != null
                        && v.durationMs() > 0)
            .toList();
    List<Audio> sounds =
        d.audio().stream().filter(a -> a.startedAt() != null && a.durationMs() != null).toList();
    if (videos.isEmpty() && sounds.isEmpty()) {
      throw new ApiException(
          409, "nothing_to_export", "call " + callId + " has no playable screen or audio yet");
    }
    ExportJob job = exports.start(callId, s.username(), work -> plan(callId, videos, sounds, work));
    audit.record(
        s.username(),
        AuditAction.EXPORT,
        callId,
        "export=" + job.id() + " screen=" + videos.size() + " audio=" + sounds.size());
    ctx.status(202).json(Map.of("exportId", job.id()));
  }

  /** Local files as they are; a peer's are downloaded into the export's work folder first. */
  private ExportService.Inputs plan(
      String callId, List<Screen> videos, List<Audio> sounds, Path work)
      throws IOException, InterruptedException {
    List<CallExporter.VideoInput> v = new ArrayList<>();
    List<CallExporter.AudioInput> a = new ArrayList<>();
    List<ExportService.Source> sources = new ArrayList<>();
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (Screen s : videos) {
      Path file;
      String evidence;
      if (s.clusterId().equals(calls.local().clusterId())) {
        Recording r =
            recordings
                .findRecording(s.recordingId())
                .filter(x -> x.status() == RecordingStatus.READY)
                .orElseThrow(
                    () -> new IOException("recording " + s.recordingId() + " is no longer ready"));
        file = encodes.awaitVideo(r, VIDEO_WAIT);
        evidence = local(media.recordingDir(r.id()).resolve(RecordingEvidence.FILE));
      } else {
        file = work.resolve(s.clusterId() + "-" + s.recordingId() + ".video");
        String path = "/api/v1/recordings/" + s.recordingId();
        peer(s.clusterId()).downloadVideo(path + "/video", file, VIDEO_WAIT);
        evidence = ofPeer(s.clusterId(), path + "/evidence", file);
      }
      sources.add(
          new ExportService.Source(Evidence.RECORDING, s.recordingId(), s.clusterId(), evidence));
      v.add(new CallExporter.VideoInput(file, s.startedAt(), s.durationMs()));
      from = Math.min(from, s.startedAt());
      to = Math.max(to, s.startedAt() + s.durationMs());
    }
    for (Audio s : sounds) {
      Path file;
      String evidence;
      if (s.clusterId().equals(calls.local().clusterId())) {
        CallAudio ca =
            audio.find(callId).orElseThrow(() -> new IOException("the call's audio is gone"));
        file = audio.playableFile(ca);
        evidence = local(audio.evidenceFile(ca));
      } else {
        file = work.resolve(s.clusterId() + "-audio");
        String path = "/api/v1/calls/" + callId + "/audio";
        peer(s.clusterId()).download(path, file);
        evidence = ofPeer(s.clusterId(), path + "/evidence", file);
      }
      sources.add(new ExportService.Source(Evidence.AUDIO, callId, s.clusterId(), evidence));
      a.add(new CallExporter.AudioInput(file, s.startedAt()));
      from = Math.min(from, s.startedAt());
      to = Math.max(to, s.startedAt() + s.durationMs());
    }
    return new ExportService.Inputs(v, a, from, to, sources);
  }

  /** A source's evidence file; null when it was stored before this cluster sealed media. */
  private static String local(Path evidence) throws IOException {
    return Files.isRegularFile(evidence) ? Files.readString(evidence) : null;
  }

  private String ofPeer(String cluster, String path, Path media)
      throws IOException, InterruptedException {
    Path file = media.resolveSibling(media.getFileName() + ".evidence.json");
    try {
      peer(cluster).download(path, file);
    } catch (PeerClient.PeerException e) {
      if (e.status() == 404 || e.status() == 410) {
        return null;
      }
      throw e;
    }
    return Files.readString(file);
  }

  private PeerClient peer(String cluster) throws IOException {
    return peers
        .find(cluster)
        .orElseThrow(() -> new IOException("cluster " + cluster + " is not reachable"));
  }

  private ExportJob job(Context ctx) {
    String id = ctx.pathParam("exportId");
    Session s = ReplayAuth.session(ctx);
    // someone else's export is "not found", so export ids cannot be probed
    return exports
        .find(id)
        .filter(j -> j.username().equals(s.username()) || s.role() == Role.ADMIN)
        .orElseThrow(() -> ApiException.notFound("no export " + id));
  }

  private static Map<String, Object> status(ExportJob j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exportId", j.id());
    m.put("callId", j.callId());
    m.put("state", j.state().name());
    m.put("progress", Math.round(j.progress() * 1000) / 1000.0);
    m.put("error", j.error());
    if (j.state() == ExportJob.State.DONE) {
      m.put("url", "/replay/api/exports/" + j.id() + "/file");
      m.put("evidenceUrl", "/replay/api/exports/" + j.id() + "/evidence");
    }
    return m;
  }

  private void file(Context ctx) throws IOException {
    ExportJob j = done(ctx);
    serve(ctx, j.file(), j.fileName(), CallExporter.CONTENT_TYPE);
  }

  /** The export's signed manifest, for {@code screenrec-verify} beside the file. */
  private void evidence(Context ctx) throws IOException {
    ExportJob j = done(ctx);
    serve(
        ctx,
        j.evidence(),
        j.fileName().replace("." + CallExporter.EXTENSION, ".evidence.json"),
        "application/json");
  }

  private ExportJob done(Context ctx) {
    ExportJob j = job(ctx);
    if (j.state() != ExportJob.State.DONE) {
      throw new ApiException(409, "not_ready", "export " + j.id() + " is " + j.state());
    }
    return j;
  }

  private static void serve(Context ctx, Path file, String name, String contentType)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ApiException(410, "media_missing", "the export file is gone");
    }
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    RangeResponse.serve(ctx, file, contentType);
  }
}
