package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingService;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.server.storage.StripedLocks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import cz.zoom.screenrec.server.upload.SegmentHeaders;
import cz.zoom.screenrec.server.upload.UploadTokens;

/**
 * The Media Upload Server: {@code PUT /mus/v1/recordings/{id}/segments/{index}}. Idempotent (same
 * index and checksum → 200), never overwrites a different stored segment (409), and answers 2xx
 * only after the segment is durable on disk and in the database.
 *
 * <p>A token counts only for its recording and only while the recording takes uploads (RECORDING,
 * UPLOADING); after that new segments get 410, while a repeat of a stored one still gets 200 with
 * any token once issued for the recording, so a client whose answer was lost can clear its spool.
 * Indexes at or beyond a known final count, a second "final" segment and bytes beyond the
 * recording's quota are refused. The body streams to a temporary file outside any lock; only the
 * check, rename and insert of one recording are serialised, so a slow sender delays no one else.
 */
public final class SegmentUploadRoutes implements HttpApi.Routes {
  private static final Logger log = LoggerFactory.getLogger(SegmentUploadRoutes.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_INDEX = 1_000_000;

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingService recordings;
  private final String clusterId;
  private final long maxSegmentBytes;
  private final long maxRecordingBytes;
  private final Clock clock;
  private final Counter bytesReceived;
  private final Counter segmentsStored;
  private final StripedLocks commits = new StripedLocks(64);

  public SegmentUploadRoutes(RecordingStore store, LocalMediaStore media, RecordingService recordings,
      String clusterId, long maxSegmentBytes, long maxRecordingBytes, MeterRegistry metrics, Clock clock) {
    this.store = store;
    this.media = media;
    this.recordings = recordings;
    this.clusterId = clusterId;
    this.maxSegmentBytes = maxSegmentBytes;
    this.maxRecordingBytes = maxRecordingBytes;
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
    if (declared > maxSegmentBytes) {
      throw new ApiException(413, "too_large", "segments are at most " + maxSegmentBytes + " bytes");
    }
    Recording recording = store.findRecording(id).orElseThrow(() -> ApiException.notFound("unknown recording " + id));
    RecordingStore.UploadToken grant = store.uploadToken(id, UploadTokens.hash(token))
        .orElseThrow(() -> new ApiException(401, "unauthorized", "upload token is not valid for recording " + id));

    // answered before a byte of the body is read: repeats, and everything the headers already refuse
    Optional<Segment> stored = store.findSegment(id, index);
    if (stored.isPresent()) {
      repeat(ctx, recording, stored.get(), sha, last);
      return;
    }
    long room = admit(recording, grant, index, last, Math.max(declared, 0));

    LocalMediaStore.Received received;
    try {
      received = media.receiveSegment(id, index, ctx.bodyInputStream(), Math.min(maxSegmentBytes, room), sha,
          file -> SegmentHeaders.check(file, id, index));
    } catch (LocalMediaStore.RejectedSegmentException e) {
      if (e.tooLarge() && room < maxSegmentBytes) {
        throw quotaExceeded(id);
      }
      throw new ApiException(e.tooLarge() ? 413 : 400, e.tooLarge() ? "too_large" : "bad_segment", e.getMessage());
    }
    try (received) {
      synchronized (commits.forKey(id)) {
        // whatever changed while the body streamed in: a concurrent upload of this index, the
        // recording closing, its final count or its quota
        Optional<Segment> now = store.findSegment(id, index);
        Recording fresh = store.findRecording(id).orElseThrow();
        if (now.isPresent()) {
          repeat(ctx, fresh, now.get(), sha, last);
          return;
        }
        admit(fresh, grant, index, last, received.bytes());
        media.commitSegment(received, id, index);
        if (!store.insertSegment(new Segment(id, index, received.sha256(), received.bytes(), clusterId,
            clock.millis(), received.startedAt()))) {
          throw new ApiException(409, "conflict", "segment " + index + " could not be recorded: stored meanwhile");
        }
        recordings.segmentStored(id, index, last);
      }
    }
    bytesReceived.increment(received.bytes());
    segmentsStored.increment();
    ctx.status(201).json(Map.of("recordingId", id, "index", index, "stored", "new"));
  }

  /**
   * A segment already stored at this index: 200 for the same body (the client may delete its copy,
   * even after the recording closed), 409 for another. A "final" mark on a repeat sets the count
   * only if it agrees with what is known; the segment is stored either way.
   */
  private void repeat(Context ctx, Recording r, Segment stored, String sha, boolean last) {
    if (!stored.sha256().equals(sha)) {
      throw new ApiException(409, "conflict", "segment " + stored.index() + " is already stored with another checksum");
    }
    if (RecordingStore.takesUploads(r.status()) && last) {
      synchronized (commits.forKey(r.id())) {
        String conflict = finalConflict(store.findRecording(r.id()).orElseThrow(), stored.index());
        if (conflict != null) {
          log.warn("recording {}: repeated segment {} says it is the final one, but {}; the count is kept", r.id(),
              stored.index(), conflict);
        }
        recordings.segmentStored(r.id(), stored.index(), conflict == null);
      }
    } else if (RecordingStore.takesUploads(r.status())) {
      recordings.segmentStored(r.id(), stored.index(), false);
    }
    ctx.status(200).json(Map.of("recordingId", r.id(), "index", stored.index(), "stored", "already"));
  }

  /**
   * Refuses a new segment the recording cannot take; returns how many bytes its quota has left.
   *
   * @param incoming bytes of this segment as far as known (the declared length before the body)
   */
  private long admit(Recording r, RecordingStore.UploadToken grant, int index, boolean last, long incoming) {
    if (grant.revoked() || !RecordingStore.takesUploads(r.status())) {
      throw new ApiException(410, "recording_closed", "recording " + r.id() + " is " + r.status()
          + " and takes no more segments");
    }
    Integer count = r.segmentCount();
    if (count != null && index >= count) {
      throw new ApiException(409, "beyond_final", "recording " + r.id() + " has " + count
          + " segment(s), index 0.." + (count - 1) + "; " + index + " is beyond its final segment");
    }
    if (last) {
      String conflict = finalConflict(r, index);
      if (conflict != null) {
        throw new ApiException(409, "final_mismatch", "segment " + index + " cannot be the final one: " + conflict);
      }
    }
    long room = maxRecordingBytes - store.storedBytes(r.id());
    if (incoming > room) {
      throw quotaExceeded(r.id());
    }
    return room;
  }

  /** Why {@code index} cannot be the recording's final segment, or null if it can. */
  private String finalConflict(Recording r, int index) {
    if (r.segmentCount() != null && r.segmentCount() != index + 1) {
      return "the recording's final segment is " + (r.segmentCount() - 1);
    }
    int highest = store.highestSegmentIndex(r.id());
    return highest > index ? "segment " + highest + " is already stored" : null;
  }

  private ApiException quotaExceeded(String id) {
    return new ApiException(413, "quota_exceeded", "recording " + id + " would exceed its quota of "
        + maxRecordingBytes + " bytes (--max-recording-mb)");
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
