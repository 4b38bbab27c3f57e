package cz.zoom.screenrec.server.enrollment;

import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.StorageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Enrollment tokens and desktops in the metadata database. */
public final class EnrollmentStore {
  /** A token as stored: the hash of its secret, never the secret. */
  public record StoredToken(
      String id,
      String secretHash,
      Integer usesLeft,
      Long expiresAt,
      long createdAt,
      Long revokedAt) {}

  /** One enrolled desktop. */
  public record Desktop(
      String id,
      String machine,
      String certificateSha256,
      String enrolledWith,
      long enrolledAt,
      long expiresAt,
      Long lastSeenAt,
      Long revokedAt,
      List<String> agents) {}

  private final Jdbc jdbc;

  public EnrollmentStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  public void insertToken(StoredToken t) {
    jdbc.update(
        "INSERT INTO enrollment_tokens (id, secret_hash, uses_left, expires_at, created_at) "
            + "VALUES (?, ?, ?, ?, ?)",
        t.id(),
        t.secretHash(),
        t.usesLeft(),
        t.expiresAt(),
        t.createdAt());
  }

  public Optional<StoredToken> findToken(String id) {
    return jdbc.queryOne(
        "SELECT id, secret_hash, uses_left, expires_at, created_at, revoked_at "
            + "FROM enrollment_tokens WHERE id = ?",
        EnrollmentStore::token,
        id);
  }

  /**
   * Takes one use of a token that is still good at {@code now}; false if it has none left, ran out
   * or was revoked (two desktops racing for the last use: one wins).
   */
  public boolean useToken(String id, long now) {
    return jdbc.update(
            "UPDATE enrollment_tokens SET uses_left = CASE WHEN uses_left IS NULL THEN NULL "
                + "ELSE uses_left - 1 END WHERE id = ? AND revoked_at IS NULL "
                + "AND (uses_left IS NULL OR uses_left > 0) AND (expires_at IS NULL OR expires_at > ?)",
            id,
            now)
        == 1;
  }

  public void insertDesktop(Desktop d) {
    jdbc.update(
        "INSERT INTO desktops (id, machine, certificate_sha256, enrolled_with, enrolled_at, "
            + "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        d.id(),
        d.machine(),
        d.certificateSha256(),
        d.enrolledWith(),
        d.enrolledAt(),
        d.expiresAt());
  }

  public Optional<Desktop> findDesktop(String id) {
    return jdbc.queryOne(
            "SELECT id, machine, certificate_sha256, enrolled_with, enrolled_at, expires_at, "
                + "last_seen_at, revoked_at FROM desktops WHERE id = ?",
            EnrollmentStore::desktop,
            id)
        .map(this::withAgents);
  }

  public List<Desktop> desktops() {
    return jdbc
        .query(
            "SELECT id, machine, certificate_sha256, enrolled_with, enrolled_at, expires_at, "
                + "last_seen_at, revoked_at FROM desktops ORDER BY enrolled_at, id",
            EnrollmentStore::desktop)
        .stream()
        .map(this::withAgents)
        .toList();
  }

  /** Marks a token revoked; false if it is unknown. A second revocation keeps the first time. */
  public boolean revokeToken(String id, long now) {
    return jdbc.update(
            "UPDATE enrollment_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
            now,
            id)
        > 0;
  }

  /** Marks a desktop revoked; false if it is unknown. A second revocation keeps the first time. */
  public boolean revokeDesktop(String id, long now) {
    return jdbc.update(
            "UPDATE desktops SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", now, id)
        == 1;
  }

  /** The desktop claimed {@code agent} now: its last-seen time and its audit of agents. */
  public void seen(String desktopId, String agent, long now) {
    jdbc.update("UPDATE desktops SET last_seen_at = ? WHERE id = ?", now, desktopId);
    if (jdbc.update(
            "UPDATE desktop_agents SET last_seen_at = ? WHERE desktop_id = ? AND agent = ?",
            now,
            desktopId,
            agent)
        == 0) {
      try {
        jdbc.update(
            "INSERT INTO desktop_agents (desktop_id, agent, first_seen_at, last_seen_at) "
                + "VALUES (?, ?, ?, ?)",
            desktopId,
            agent,
            now,
            now);
      } catch (StorageException e) {
        if (!Jdbc.isDuplicateKey(e)) {
          throw e; // else the same desktop and agent on two connections at once: one row is enough
        }
      }
    }
  }

  private Desktop withAgents(Desktop d) {
    List<String> agents =
        jdbc.query(
            "SELECT agent FROM desktop_agents WHERE desktop_id = ? ORDER BY agent",
            rs -> rs.getString(1),
            d.id());
    return new Desktop(
        d.id(),
        d.machine(),
        d.certificateSha256(),
        d.enrolledWith(),
        d.enrolledAt(),
        d.expiresAt(),
        d.lastSeenAt(),
        d.revokedAt(),
        agents);
  }

  private static StoredToken token(ResultSet rs) throws SQLException {
    return new StoredToken(
        rs.getString("id"),
        rs.getString("secret_hash"),
        Jdbc.nullableInt(rs, "uses_left"),
        Jdbc.nullableLong(rs, "expires_at"),
        rs.getLong("created_at"),
        Jdbc.nullableLong(rs, "revoked_at"));
  }

  private static Desktop desktop(ResultSet rs) throws SQLException {
    return new Desktop(
        rs.getString("id"),
        rs.getString("machine"),
        rs.getString("certificate_sha256"),
        rs.getString("enrolled_with"),
        rs.getLong("enrolled_at"),
        rs.getLong("expires_at"),
        Jdbc.nullableLong(rs, "last_seen_at"),
        Jdbc.nullableLong(rs, "revoked_at"),
        List.of());
  }
}
