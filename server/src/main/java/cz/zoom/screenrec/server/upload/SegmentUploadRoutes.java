package cz.zoom.screenrec.server.upload;

import cz.zoom.screenrec.server.api.http.Access;
import cz.zoom.screenrec.server.api.http.ApiException;
import cz.zoom.screenrec.server.api.http.HttpApi;
import cz.zoom.screenrec.server.recording.RecordingService;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The Media Upload Server: {@code PUT /mus/v1/recordings/{id}/segments/{index}}. Idempotent (same
 * index and checksum → 200), never overwrites a different stored segment (409), and answers 2xx
 * only after the segment is durable on disk and in the database.
 */
public final class SegmentUploadRoutes implements HttpApi.Routes {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_INDEX = 1_000_000;

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingService recordings;
  private final String clusterId;
  private final long maxBytes;
  private final Clock clock;
  private final Counter bytesReceived;
  private final Counter segmentsStored;
  /** One upload at a time per recording, so two writers of one index cannot interleave. */
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

  public SegmentUploadRoutes(RecordingStore store, LocalMediaStore media, RecordingService recordings,
      String clusterId, long maxBytes, MeterRegistry metrics, Clock clock) {
    this.store = store;
    this.media = media;
    this.recordings = recordings;
    this.clusterId = clusterId;
    this.maxBytes = maxBytes;
    this.clock = clock;
    this.bytesReceived = metrics.counter("screenrec.upload.bytes");
    this.segmentsStored = metrics.counter("screenrec.upload.segments");
  }

  @Override
  public void accept(RoutesConfig app) {
    app.put("/mus/v1/recordings/{id}/segments/{index}", this::put, Access.UPLOAD_TOKEN);
  }

  private void put(Context ctx) throws IOException {
    String id = HttpApi.recordingId(ctx);
    int index = index(ctx.pathParam("index"));
    String token = bearer(ctx);
    String sha = ctx.header("X-Segment-Sha256");
    if (sha == null || !SHA256.matcher(sha).matches()) {
      throw ApiException.badRequest("X-Segment-Sha256 must be the lower-case hex SHA-256 of the body");
    }
    boolean last = "true".equalsIgnoreCase(ctx.header("X-Segment-Final"));
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw new ApiException(413, "too_large", "segments are at most " + maxBytes + " bytes");
    }
    String tokenHash = store.uploadTokenHash(id)
        .orElseThrow(() -> ApiException.notFound("unknown recording " + id));
    if (!UploadTokens.matches(token, tokenHash)) {
      throw new ApiException(401, "unauthorized", "upload token is not valid for recording " + id);
    }
    synchronized (locks.computeIfAbsent(id, k -> new Object())) {
      Optional<Segment> existing = store.findSegment(id, index);
      if (existing.isPresent()) {
        if (!existing.get().sha256().equals(sha)) {
          throw new ApiException(409, "conflict", "segment " + index + " is already stored with another checksum");
        }
        recordings.segmentStored(id, index, last);
        ctx.status(200).json(Map.of("recordingId", id, "index", index, "stored", "already"));
        return;
      }
      LocalMediaStore.Written written;
      try {
        written = media.writeSegment(id, index, ctx.bodyInputStream(), maxBytes, sha,
            received -> SegmentHeaders.check(received, id, index));
      } catch (LocalMediaStore.RejectedSegmentException e) {
        throw new ApiException(e.tooLarge() ? 413 : 400, e.tooLarge() ? "too_large" : "bad_segment", e.getMessage());
      }
      store.insertSegment(new Segment(id, index, written.sha256(), written.bytes(), clusterId, clock.millis(),
          written.startedAt()));
      bytesReceived.increment(written.bytes());
      segmentsStored.increment();
    }
    recordings.segmentStored(id, index, last);
    ctx.status(201).json(Map.of("recordingId", id, "index", index, "stored", "new"));
  }

  private static int index(String text) {
    try {
      int i = Integer.parseInt(text);
      if (i >= 0 && i <= MAX_INDEX) {
        return i;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the same answer as an out-of-range index
    }
    throw ApiException.badRequest("segment index must be a whole number 0.." + MAX_INDEX);
  }

  private static String bearer(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null || !h.startsWith("Bearer ") || h.length() > 1024) {
      throw new ApiException(401, "unauthorized", "send Authorization: Bearer <upload token from START>");
    }
    return h.substring("Bearer ".length());
  }
}
