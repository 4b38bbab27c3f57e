package cz.zoom.screenrec.server.replay.audio;

import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.storage.Filter;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.OwnerOnly;
import cz.zoom.screenrec.server.storage.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Call audio rows (table call_audio) and where their files live: {@code <media>/calls/<callId>/}.
 */
public final class AudioStore {
  private static final String COLUMNS =
      "call_id, agent, started_at, duration_ms, format, codec, bytes, playable_file, content_type, received_at";

  private final Jdbc jdbc;
  private final Path callsRoot;

  public AudioStore(Jdbc jdbc, Path mediaRoot) throws IOException {
    this.jdbc = jdbc;
    this.callsRoot = OwnerOnly.directories(mediaRoot.resolve("calls")).toRealPath();
  }

  /** The call's own folder; the id is checked so no caller can leave the calls folder. */
  public Path callDir(String callId) {
    if (callId == null || !Limits.NAME.matcher(callId).matches()) {
      throw new IllegalArgumentException("not a call id: " + callId);
    }
    Path dir = callsRoot.resolve(callId).normalize();
    if (!callsRoot.equals(dir.getParent())) {
      throw new IllegalArgumentException("call id escapes the media folder");
    }
    return dir;
  }

  /** Inserts or replaces the call's row. */
  public void put(CallAudio a) {
    Object[] values = {
      a.agent(),
      a.startedAt(),
      a.durationMs(),
      a.format(),
      a.codec(),
      a.bytes(),
      a.playableFile(),
      a.contentType(),
      a.receivedAt(),
      a.callId()
    };
    String update =
        "UPDATE call_audio SET agent = ?, started_at = ?, duration_ms = ?, format = ?, codec = ?, "
            + "bytes = ?, playable_file = ?, content_type = ?, received_at = ? WHERE call_id = ?";
    if (jdbc.update(update, values) == 1) {
      return;
    }
    try {
      jdbc.update(
          "INSERT INTO call_audio (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          a.callId(),
          a.agent(),
          a.startedAt(),
          a.durationMs(),
          a.format(),
          a.codec(),
          a.bytes(),
          a.playableFile(),
          a.contentType(),
          a.receivedAt());
    } catch (StorageException e) {
      if (!Jdbc.isDuplicateKey(e)) {
        throw e;
      }
      jdbc.update(update, values);
    }
  }

  public Optional<CallAudio> find(String callId) {
    return jdbc.queryOne(
        "SELECT " + COLUMNS + " FROM call_audio WHERE call_id = ?", AudioStore::row, callId);
  }

  /** Audio filtered by call id, agent and start time (any may be null), newest first. */
  public List<CallAudio> search(String callId, String agent, Long from, Long to, int limit) {
    Filter filter =
        new Filter()
            .equal("call_id", callId)
            .equal("agent", agent)
            .atLeast("started_at", from)
            .atMost("started_at", to);
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM call_audio"
            + filter.sql()
            + " ORDER BY started_at DESC, call_id LIMIT "
            + limit,
        AudioStore::row,
        filter.params());
  }

  private static CallAudio row(ResultSet rs) throws SQLException {
    return new CallAudio(
        rs.getString("call_id"),
        rs.getString("agent"),
        rs.getLong("started_at"),
        rs.getLong("duration_ms"),
        rs.getString("format"),
        rs.getString("codec"),
        rs.getLong("bytes"),
        rs.getString("playable_file"),
        rs.getString("content_type"),
        rs.getLong("received_at"));
  }
}
