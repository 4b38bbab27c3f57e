package cz.zoom.screenrec.server.upload;

import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingService;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.server.storage.StripedLocks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Media Upload Server's rules for one segment. Idempotent (same index and checksum → stored
 * already), never overwrites a different stored segment, and says a segment is stored only after it
 * is durable on disk and in the database.
 *
 * <p>A token counts only for its recording and only while the recording takes uploads (RECORDING,
 * UPLOADING); after that new segments are refused as gone, while a repeat of a stored one is still
 * accepted with any token once issued for the recording, so a client whose answer was lost can
 * clear its spool. Indexes at or beyond a known final count, a second "final" segment and bytes
 * beyond the recording's quota are refused. The body streams to a temporary file outside any lock;
 * only the check, rename and insert of one recording are serialised, so a slow sender delays no one
 * else.
 */
public final class SegmentIntake {
  private static final Logger log = LoggerFactory.getLogger(SegmentIntake.class);

  /** One segment as its uploader presents it; {@code declaredBytes} is -1 when not declared. */
  public record Upload(
      String recordingId,
      int index,
      String token,
      String sha256,
      boolean last,
      long declaredBytes) {}

  /** Whether the segment was stored by this upload or had been stored before. */
  public enum Stored {
    NEW,
    ALREADY
  }

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingService recordings;
  private final String clusterId;
  private final long maxSegmentBytes;
  private final long maxRecordingBytes;
  private final Clock clock;
  private final Counter bytesReceived;
  private final Counter segmentsStored;
  private final CaptureGapMetrics gapMetrics;
  private final StripedLocks commits = new StripedLocks(64);

  public SegmentIntake(
      RecordingStore store,
      LocalMediaStore media,
      RecordingService recordings,
      String clusterId,
      long maxSegmentBytes,
      long maxRecordingBytes,
      MeterRegistry metrics,
      Clock clock) {
    this.store = store;
    this.media = media;
    this.recordings = recordings;
    this.clusterId = clusterId;
    this.maxSegmentBytes = maxSegmentBytes;
    this.maxRecordingBytes = maxRecordingBytes;
    this.clock = clock;
    this.bytesReceived = metrics.counter("screenrec.upload.bytes");
    this.segmentsStored = metrics.counter("screenrec.upload.segments");
    this.gapMetrics = new CaptureGapMetrics(metrics);
  }

  /** Stores the segment, or refuses it; {@code body} is opened only once the headers pass. */
  public Stored receive(Upload upload, Supplier<InputStream> body) throws IOException {
    String id = upload.recordingId();
    int index = upload.index();
    String sha = upload.sha256();
    boolean last = upload.last();
    if (upload.declaredBytes() > maxSegmentBytes) {
      throw new Refusal.TooLarge("too_large", "segments are at most " + maxSegmentBytes + " bytes");
    }
    Recording recording =
        store.findRecording(id).orElseThrow(() -> new Refusal.NotFound("unknown recording " + id));
    RecordingStore.UploadToken grant =
        store
            .uploadToken(id, UploadTokens.hash(upload.token()))
            .orElseThrow(
                () ->
                    new Refusal.Unauthenticated(
                        "unauthorized", "upload token is not valid for recording " + id));

    // answered before a byte of the body is read: repeats, and everything the headers already
    // refuse
    Optional<Segment> stored = store.findSegment(id, index);
    if (stored.isPresent()) {
      repeat(recording, stored.get(), sha, last);
      return Stored.ALREADY;
    }
    long room = admit(recording, grant, index, last, Math.max(upload.declaredBytes(), 0));

    LocalMediaStore.Received received;
    try {
      received =
          media.receiveSegment(
              id,
              index,
              body.get(),
              Math.min(maxSegmentBytes, room),
              sha,
              file -> SegmentHeaders.check(file, id, index));
    } catch (LocalMediaStore.RejectedSegmentException e) {
      if (e.tooLarge() && room < maxSegmentBytes) {
        throw quotaExceeded(id);
      }
      throw e.tooLarge()
          ? new Refusal.TooLarge("too_large", e.getMessage())
          : new Refusal.Invalid("bad_segment", e.getMessage());
    }
    try (received) {
      synchronized (commits.forKey(id)) {
        // whatever changed while the body streamed in: a concurrent upload of this index, the
        // recording closing, its final count or its quota
        Optional<Segment> now = store.findSegment(id, index);
        Recording fresh = store.findRecording(id).orElseThrow();
        if (now.isPresent()) {
          repeat(fresh, now.get(), sha, last);
          return Stored.ALREADY;
        }
        admit(fresh, grant, index, last, received.bytes());
        media.commitSegment(received, id, index);
        if (!store.insertSegment(
            new Segment(
                id,
                index,
                received.sha256(),
                received.bytes(),
                clusterId,
                clock.millis(),
                received.startedAt()))) {
          throw new Refusal.Conflict(
              "conflict", "segment " + index + " could not be recorded: stored meanwhile");
        }
        recordings.segmentStored(id, index, last);
      }
    }
    bytesReceived.increment(received.bytes());
    segmentsStored.increment();
    try {
      gapMetrics.count(media.segmentPath(id, index));
    } catch (IOException e) {
      log.debug("gaps of segment {} of {} not counted: {}", index, id, e.toString());
    }
    return Stored.NEW;
  }

  /**
   * A segment already stored at this index: accepted for the same body (the client may delete its
   * copy, even after the recording closed), refused for another. A "final" mark on a repeat sets
   * the count only if it agrees with what is known; the segment is stored either way.
   */
  private void repeat(Recording r, Segment stored, String sha, boolean last) {
    if (!stored.sha256().equals(sha)) {
      throw new Refusal.Conflict(
          "conflict", "segment " + stored.index() + " is already stored with another checksum");
    }
    if (RecordingStore.takesUploads(r.status()) && last) {
      synchronized (commits.forKey(r.id())) {
        String conflict = finalConflict(store.findRecording(r.id()).orElseThrow(), stored.index());
        if (conflict != null) {
          log.warn(
              "recording {}: repeated segment {} says it is the final one, but {}; the count is kept",
              r.id(),
              stored.index(),
              conflict);
        }
        recordings.segmentStored(r.id(), stored.index(), conflict == null);
      }
    } else if (RecordingStore.takesUploads(r.status())) {
      recordings.segmentStored(r.id(), stored.index(), false);
    }
  }

  /**
   * Refuses a new segment the recording cannot take; returns how many bytes its quota has left.
   *
   * @param incoming bytes of this segment as far as known (the declared length before the body)
   */
  private long admit(
      Recording r, RecordingStore.UploadToken grant, int index, boolean last, long incoming) {
    if (grant.revoked() || !RecordingStore.takesUploads(r.status())) {
      throw new Refusal.Gone(
          "recording_closed",
          "recording " + r.id() + " is " + r.status() + " and takes no more segments");
    }
    Integer count = r.segmentCount();
    if (count != null && index >= count) {
      throw new Refusal.Conflict(
          "beyond_final",
          "recording "
              + r.id()
              + " has "
              + count
              + " segment(s), index 0.."
              + (count - 1)
              + "; "
              + index
              + " is beyond its final segment");
    }
    if (last) {
      String conflict = finalConflict(r, index);
      if (conflict != null) {
        throw new Refusal.Conflict(
            "final_mismatch", "segment " + index + " cannot be the final one: " + conflict);
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

  private Refusal quotaExceeded(String id) {
    return new Refusal.TooLarge(
        "quota_exceeded",
        "recording "
            + id
            + " would exceed its quota of "
            + maxRecordingBytes
            + " bytes (--max-recording-mb)");
  }
}
