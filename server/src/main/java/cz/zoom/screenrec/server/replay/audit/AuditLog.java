package cz.zoom.screenrec.server.replay.audit;

import cz.zoom.screenrec.server.core.LogText;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log (table audit_events). Rows are only ever added. Each one is also logged, so the
 * trail survives in the server log should the database be lost.
 */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger("cz.zoom.screenrec.audit");
  private static final String COLUMNS = "id, at, username, action, call_id, detail";

  /** Receives rows of a streamed query. */
  @FunctionalInterface
  public interface RowSink {
    void accept(AuditEvent event) throws java.io.IOException;
  }

  private final Jdbc jdbc;
  private final DataSource dataSource;
  private final Clock clock;

  public AuditLog(DataSource dataSource, Clock clock) {
    this.jdbc = new Jdbc(dataSource);
    this.dataSource = dataSource;
    this.clock = clock;
  }

  public void record(String username, AuditAction action, String callId, String detail) {
    long at = clock.millis();
    log.info(
        "audit {} user={} call={} {}",
        action,
        LogText.of(username),
        LogText.of(callId),
        detail == null ? "" : LogText.of(detail));
    jdbc.update(
        "INSERT INTO audit_events (at, username, action, call_id, detail) VALUES (?, ?, ?, ?, ?)",
        at,
        clip(username, 128),
        action.name(),
        clip(callId, 128),
        clip(detail, 1024));
  }

  /** Events with {@code from <= at <= to} (either bound may be null), newest first. */
  public List<AuditEvent> find(Long from, Long to, int limit) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM audit_events WHERE at >= ? AND at <= ? ORDER BY at DESC, id DESC "
            + "LIMIT "
            + limit,
        AuditLog::event,
        from == null ? Long.MIN_VALUE : from,
        to == null ? Long.MAX_VALUE : to);
  }

  /** Streams events in time order without holding them all in memory. */
  public void stream(Long from, Long to, RowSink sink) throws java.io.IOException {
    String sql =
        "SELECT " + COLUMNS + " FROM audit_events WHERE at >= ? AND at <= ? ORDER BY at, id";
    try (Connection c = dataSource.getConnection()) {
      // PostgreSQL only streams with a fetch size inside a transaction
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setFetchSize(500);
        ps.setLong(1, from == null ? Long.MIN_VALUE : from);
        ps.setLong(2, to == null ? Long.MAX_VALUE : to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(event(rs));
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StorageException(sql, e);
    }
  }

  private static AuditEvent event(ResultSet rs) throws SQLException {
    return new AuditEvent(
        rs.getLong("id"),
        rs.getLong("at"),
        rs.getString("username"),
        AuditAction.valueOf(rs.getString("action")),
        rs.getString("call_id"),
        rs.getString("detail"));
  }

  private static String clip(String s, int max) {
    // PostgreSQL text cannot hold U+0000; user names of failed logins are whatever was typed
    return s == null ? null : (s.length() <= max ? s : s.substring(0, max)).replace('\0', '\uFFFD');
  }
}
