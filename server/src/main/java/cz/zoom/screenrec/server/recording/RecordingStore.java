package cz.zoom.screenrec.server.recording;

import cz.zoom.screenrec.encode.VideoLayout;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.server.storage.Filter;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.StorageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Calls, recordings and segments in the metadata database. */
public final class RecordingStore {
  private static final String RECORDING_COLUMNS =
      "id, call_id, agent, desktop_id, cluster_id, status, failure_reason, created_at, capture_started_at, "
          + "capture_ended_at, clock_offset_ms, segment_count, adopted, origin_cluster_id, video_codec, video_bytes, "
          + "video_duration_ms";

  private static final String SEGMENT_COLUMNS =
      "recording_id, idx, sha256, bytes, cluster_id, received_at, started_at";

  private final Jdbc jdbc;

  public RecordingStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  // --- calls ---------------------------------------------------------------------------------

  /** Records a call start; returns false if the call id was already known (the row is kept). */
  public boolean insertCall(Call call) {
    try {
      jdbc.update(
          "INSERT INTO calls (call_id, agent, started_at) VALUES (?, ?, ?)",
          call.callId(),
          call.agent(),
          call.startedAt());
      return true;
    } catch (StorageException e) {
      if (Jdbc.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  public Optional<Call> findCall(String callId) {
    return jdbc.queryOne(
        "SELECT call_id, agent, started_at, ended_at FROM calls WHERE call_id = ?",
        RecordingStore::call,
        callId);
  }

  public void endCall(String callId, long endedAt) {
    jdbc.update(
        "UPDATE calls SET ended_at = ? WHERE call_id = ? AND ended_at IS NULL", endedAt, callId);
  }

  // --- recordings ----------------------------------------------------------------------------

  /**
   * Creates a recording row and its first upload token.
   *
   * @param tokenHash hash of the upload token sent with START (or the grant that made the row)
   * @param originClusterId the cluster that started it, when this cluster took it over; else null
   */
  public void insertRecording(
      String id,
      String callId,
      String agent,
      String desktopId,
      String clusterId,
      RecordingStatus status,
      String tokenHash,
      long now,
      String originClusterId,
      Long captureStartedAt) {
    jdbc.update(
        "INSERT INTO recordings (id, call_id, agent, desktop_id, cluster_id, status, created_at, "
            + "updated_at, adopted, origin_cluster_id, capture_started_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        callId,
        agent,
        desktopId,
        clusterId,
        status.name(),
        now,
        now,
        originClusterId != null,
        originClusterId,
        captureStartedAt);
    addUploadToken(id, tokenHash, now);
  }

  public Optional<Recording> findRecording(String id) {
    return jdbc.queryOne(
        "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE id = ?",
        RecordingStore::recording,
        id);
  }

  /** Recordings filtered by call id and/or agent (either may be null), newest first. */
  public List<Recording> findRecordings(String callId, String agent, int limit) {
    Filter filter = new Filter().equal("call_id", callId).equal("agent", agent);
    return jdbc.query(
        "SELECT "
            + RECORDING_COLUMNS
            + " FROM recordings"
            + filter.sql()
            + " ORDER BY created_at DESC, id LIMIT "
            + limit,
        RecordingStore::recording,
        filter.params());
  }

  public List<Recording> findByStatus(RecordingStatus status) {
    return jdbc.query(
        "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE status = ? ORDER BY created_at",
        RecordingStore::recording,
        status.name());
  }

  /**
   * Ids of recordings in {@code status} untouched (no upload, no state change) since {@code
   * before}.
   */
  public List<String> findIdle(RecordingStatus status, long before) {
    return jdbc.query(
        "SELECT id FROM recordings WHERE status = ? AND updated_at < ? ORDER BY updated_at",
        rs -> rs.getString(1),
        status.name(),
        before);
  }

  /** Highest segment index stored for a recording, or -1. */
  public int highestSegmentIndex(String recordingId) {
    return jdbc.queryOne(
            "SELECT MAX(idx) FROM segments WHERE recording_id = ?",
            rs -> {
              int v = rs.getInt(1);
              return rs.wasNull() ? -1 : v;
            },
            recordingId)
        .orElse(-1);
  }

  /**
   * The recording the call's start created or this cluster adopted for it; not any row naming the
   * call.
   */
  public Optional<Recording> findRecordingOfCall(String callId) {
    return jdbc.queryOne(
        "SELECT "
            + RECORDING_COLUMNS
            + " FROM recordings WHERE id = "
            + "(SELECT recording_id FROM calls WHERE call_id = ?)",
        RecordingStore::recording,
        callId);
  }

  /**
   * Makes {@code recordingId} the call's recording if the call's recording is still {@code
   * expected} (null: it has none); false if another one got there first.
   */
  public boolean linkRecordingToCall(String callId, String recordingId, String expected) {
    return expected == null
        ? jdbc.update(
                "UPDATE calls SET recording_id = ? WHERE call_id = ? AND recording_id IS NULL",
                recordingId,
                callId)
            == 1
        : jdbc.update(
                "UPDATE calls SET recording_id = ? WHERE call_id = ? AND recording_id = ?",
                recordingId,
                callId,
                expected)
            == 1;
  }

  /**
   * Moves a recording from one status to another; false if it was not in {@code from}. Leaving
   * UPLOADING (for ENCODING, READY or FAILED) revokes every upload token of the recording.
   */
  public boolean transition(
      String id, RecordingStatus from, RecordingStatus to, String reason, long now) {
    boolean moved =
        jdbc.update(
                "UPDATE recordings SET status = ?, failure_reason = ?, updated_at = ? WHERE id = ? AND status = ?",
                to.name(),
                reason,
                now,
                id,
                from.name())
            == 1;
    if (moved && !takesUploads(to)) {
      revokeUploadTokens(id, now);
    }
    return moved;
  }

  /** Fails a recording that is not READY; its upload tokens are revoked. */
  public void fail(String id, String reason, long now) {
    jdbc.update(
        "UPDATE recordings SET status = ?, failure_reason = ?, updated_at = ? WHERE id = ? AND status <> ?",
        RecordingStatus.FAILED.name(),
        truncate(reason),
        now,
        id,
        RecordingStatus.READY.name());
    revokeUploadTokens(id, now);
  }

  /** RECORDING and UPLOADING take segments; every later status is closed to uploads. */
  public static boolean takesUploads(RecordingStatus status) {
    return status == RecordingStatus.RECORDING || status == RecordingStatus.UPLOADING;
  }

  /** What the client said when capture ended; never overwrites a count already known. */
  public void captureEnded(String id, long startedAt, long endedAt, int segmentCount, long now) {
    jdbc.update(
        "UPDATE recordings SET capture_started_at = COALESCE(capture_started_at, ?), capture_ended_at = ?, "
            + "segment_count = COALESCE(segment_count, ?), updated_at = ? WHERE id = ?",
        startedAt,
        endedAt,
        segmentCount,
        now,
        id);
  }

  public void captureStarted(String id, long startedAt) {
    jdbc.update(
        "UPDATE recordings SET capture_started_at = COALESCE(capture_started_at, ?) WHERE id = ?",
        startedAt,
        id);
  }

  public void segmentCountKnown(String id, int segmentCount) {
    jdbc.update(
        "UPDATE recordings SET segment_count = COALESCE(segment_count, ?) WHERE id = ?",
        segmentCount,
        id);
  }

  public void clockOffset(String id, long offsetMs) {
    jdbc.update("UPDATE recordings SET clock_offset_ms = ? WHERE id = ?", offsetMs, id);
  }

  // --- upload tokens -------------------------------------------------------------------------

  /**
   * An upload token as issued for one recording; {@code revokedAt} is set once the recording
   * closed.
   */
  public record UploadToken(String recordingId, long issuedAt, Long revokedAt) {
    public boolean revoked() {
      return revokedAt != null;
    }
  }

  /** Adds a token (its hash) to a recording; the tokens issued before stay valid. */
  public void addUploadToken(String recordingId, String tokenHash, long now) {
    jdbc.update(
        "INSERT INTO upload_tokens (token_hash, recording_id, issued_at) VALUES (?, ?, ?)",
        tokenHash,
        recordingId,
        now);
  }

  /** The token with this hash, if it was issued for this recording (revoked or not). */
  public Optional<UploadToken> uploadToken(String recordingId, String tokenHash) {
    return jdbc.queryOne(
        "SELECT recording_id, issued_at, revoked_at FROM upload_tokens "
            + "WHERE token_hash = ? AND recording_id = ?",
        rs -> new UploadToken(rs.getString(1), rs.getLong(2), Jdbc.nullableLong(rs, "revoked_at")),
        tokenHash,
        recordingId);
  }

  private void revokeUploadTokens(String recordingId, long now) {
    jdbc.update(
        "UPDATE upload_tokens SET revoked_at = ? WHERE recording_id = ? AND revoked_at IS NULL",
        now,
        recordingId);
  }

  /**
   * Marks a recording READY with what was encoded. The capture times become the span the video
   * covers (the server may have cut a client's claim to what it observed), so the replay places the
   * video where its frames belong. Upload tokens are revoked.
   */
  /**
   * The recording's segments are in and checked: it plays from {@code from} to {@code to} (client
   * clock). It has no encoded video until one is asked for ({@link #videoEncoded}).
   */
  public void ready(String id, long durationMs, long from, long to, long now) {
    jdbc.update(
        "UPDATE recordings SET status = ?, failure_reason = NULL, video_codec = NULL, video_bytes = NULL, "
            + "video_duration_ms = ?, capture_started_at = ?, capture_ended_at = ?, updated_at = ? WHERE id = ?",
        RecordingStatus.READY.name(),
        durationMs,
        from,
        to,
        now,
        id);
    revokeUploadTokens(id, now);
  }

  /** A READY recording's video was encoded on request and is in its media folder. */
  public void videoEncoded(String id, String codec, long bytes, long now) {
    jdbc.update(
        "UPDATE recordings SET video_codec = ?, video_bytes = ?, updated_at = ? WHERE id = ? AND status = ?",
        codec,
        bytes,
        now,
        id,
        RecordingStatus.READY.name());
  }

  // --- the video's layout ----------------------------------------------------------------------

  /**
   * Stores how an encode laid the recording's screens out, replacing what an earlier one stored.
   */
  public void replaceLayout(String recordingId, VideoLayout layout) {
    jdbc.update("DELETE FROM recording_layout WHERE recording_id = ?", recordingId);
    addLayout(recordingId, layout);
  }

  /** Stores a layout unless the recording has one; false if it has (the stored one wins). */
  public boolean addLayout(String recordingId, VideoLayout layout) {
    if (layout.screens().isEmpty()) {
      return false;
    }
    // one statement for all screens, so a reader never sees part of a layout
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO recording_layout (recording_id, screen_id, x, y, width, "
                + "height, canvas_width, canvas_height, scale) VALUES ");
    List<Object> params = new ArrayList<>();
    for (ScreenLayout s : layout.screens()) {
      sql.append(params.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
      params.addAll(
          List.of(
              recordingId,
              s.id(),
              s.x(),
              s.y(),
              s.width(),
              s.height(),
              layout.width(),
              layout.height(),
              layout.scale()));
    }
    try {
      jdbc.update(sql.toString(), params.toArray());
      return true;
    } catch (StorageException e) {
      if (Jdbc.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  /** How the recording's video shows its screens; empty if no layout is stored for it. */
  public Optional<VideoLayout> layout(String recordingId) {
    List<LayoutRow> rows =
        jdbc.query(
            "SELECT screen_id, x, y, width, height, canvas_width, canvas_height, scale "
                + "FROM recording_layout WHERE recording_id = ? ORDER BY screen_id",
            rs ->
                new LayoutRow(
                    new ScreenLayout(
                        rs.getInt("screen_id"),
                        rs.getInt("x"),
                        rs.getInt("y"),
                        rs.getInt("width"),
                        rs.getInt("height")),
                    rs.getInt("canvas_width"),
                    rs.getInt("canvas_height"),
                    rs.getInt("scale")),
            recordingId);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    LayoutRow first = rows.get(0);
    return Optional.of(
        new VideoLayout(
            first.canvasWidth(),
            first.canvasHeight(),
            first.scale(),
            rows.stream().map(LayoutRow::screen).toList()));
  }

  private record LayoutRow(ScreenLayout screen, int canvasWidth, int canvasHeight, int scale) {}

  // --- segments ------------------------------------------------------------------------------

  /** Stores a segment's row; false if that index is already stored (the existing row wins). */
  public boolean insertSegment(Segment s) {
    try {
      jdbc.update(
          "INSERT INTO segments (recording_id, idx, sha256, bytes, cluster_id, received_at, started_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?)",
          s.recordingId(),
          s.index(),
          s.sha256(),
          s.bytes(),
          s.clusterId(),
          s.receivedAt(),
          s.startedAt());
      jdbc.update(
          "UPDATE recordings SET updated_at = ? WHERE id = ?", s.receivedAt(), s.recordingId());
      return true;
    } catch (StorageException e) {
      if (Jdbc.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  public Optional<Segment> findSegment(String recordingId, int index) {
    return jdbc.queryOne(
        "SELECT " + SEGMENT_COLUMNS + " FROM segments WHERE recording_id = ? AND idx = ?",
        RecordingStore::segment,
        recordingId,
        index);
  }

  public List<Segment> segments(String recordingId) {
    return jdbc.query(
        "SELECT " + SEGMENT_COLUMNS + " FROM segments WHERE recording_id = ? ORDER BY idx",
        RecordingStore::segment,
        recordingId);
  }

  /** Bytes of all segments stored for a recording (what its quota counts). */
  public long storedBytes(String recordingId) {
    return jdbc.queryOne(
            "SELECT COALESCE(SUM(bytes), 0) FROM segments WHERE recording_id = ?",
            rs -> rs.getLong(1),
            recordingId)
        .orElse(0L);
  }

  public int segmentCount(String recordingId) {
    return jdbc.queryOne(
            "SELECT COUNT(*) FROM segments WHERE recording_id = ?", rs -> rs.getInt(1), recordingId)
        .orElse(0);
  }

  private static String truncate(String s) {
    // PostgreSQL text cannot hold U+0000 (22021); reasons quote client ACK messages and encoder
    // errors
    return s == null
        ? null
        : (s.length() <= 1000 ? s : s.substring(0, 1000)).replace('\0', '\uFFFD');
  }

  private static Call call(ResultSet rs) throws SQLException {
    return new Call(
        rs.getString("call_id"),
        rs.getString("agent"),
        rs.getLong("started_at"),
        Jdbc.nullableLong(rs, "ended_at"));
  }

  private static Segment segment(ResultSet rs) throws SQLException {
    return new Segment(
        rs.getString("recording_id"),
        rs.getInt("idx"),
        rs.getString("sha256"),
        rs.getLong("bytes"),
        rs.getString("cluster_id"),
        rs.getLong("received_at"),
        Jdbc.nullableLong(rs, "started_at"));
  }

  private static Recording recording(ResultSet rs) throws SQLException {
    return new Recording(
        rs.getString("id"),
        rs.getString("call_id"),
        rs.getString("agent"),
        rs.getString("desktop_id"),
        rs.getString("cluster_id"),
        RecordingStatus.valueOf(rs.getString("status")),
        rs.getString("failure_reason"),
        rs.getLong("created_at"),
        Jdbc.nullableLong(rs, "capture_started_at"),
        Jdbc.nullableLong(rs, "capture_ended_at"),
        rs.getLong("clock_offset_ms"),
        Jdbc.nullableInt(rs, "segment_count"),
        rs.getBoolean("adopted"),
        rs.getString("origin_cluster_id"),
        rs.getString("video_codec"),
        Jdbc.nullableLong(rs, "video_bytes"),
        Jdbc.nullableLong(rs, "video_duration_ms"));
  }
}
