package cz.zoom.screenrec.server.replay.auth;

import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.StorageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Users and their sessions in the metadata database. */
public final class UserStore {
  private static final String USER_COLUMNS = "username, role, disabled, created_at, updated_at";

  private final Jdbc jdbc;

  public UserStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  // --- users ---------------------------------------------------------------------------------

  /** False when the name is taken. */
  public boolean insertUser(String username, Role role, String passwordHash, long now) {
    try {
      jdbc.update(
          "INSERT INTO users (username, role, password_hash, disabled, created_at, updated_at) "
              + "VALUES (?, ?, ?, ?, ?, ?)",
          username,
          role.name(),
          passwordHash,
          false,
          now,
          now);
      return true;
    } catch (StorageException e) {
      if (Jdbc.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  public Optional<User> findUser(String username) {
    return jdbc.queryOne(
        "SELECT " + USER_COLUMNS + " FROM users WHERE username = ?", UserStore::user, username);
  }

  public Optional<String> passwordHash(String username) {
    return jdbc.queryOne(
        "SELECT password_hash FROM users WHERE username = ?", rs -> rs.getString(1), username);
  }

  public List<User> users() {
    return jdbc.query("SELECT " + USER_COLUMNS + " FROM users ORDER BY username", UserStore::user);
  }

  public int countUsers() {
    return jdbc.queryOne("SELECT COUNT(*) FROM users", rs -> rs.getInt(1)).orElse(0);
  }

  public int countActiveAdmins() {
    return jdbc.queryOne(
            "SELECT COUNT(*) FROM users WHERE role = ? AND disabled = ?",
            rs -> rs.getInt(1),
            Role.ADMIN.name(),
            false)
        .orElse(0);
  }

  public void updateRole(String username, Role role, long now) {
    jdbc.update(
        "UPDATE users SET role = ?, updated_at = ? WHERE username = ?", role.name(), now, username);
  }

  public void updatePassword(String username, String passwordHash, long now) {
    jdbc.update(
        "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?",
        passwordHash,
        now,
        username);
  }

  public void updateDisabled(String username, boolean disabled, long now) {
    jdbc.update(
        "UPDATE users SET disabled = ?, updated_at = ? WHERE username = ?",
        disabled,
        now,
        username);
  }

  // --- sessions ------------------------------------------------------------------------------

  public void insertSession(
      String idHash, String username, String csrfToken, long now, long expiresAt) {
    jdbc.update(
        "INSERT INTO user_sessions (id_hash, username, csrf_token, created_at, last_seen_at, expires_at) "
            + "VALUES (?, ?, ?, ?, ?, ?)",
        idHash,
        username,
        csrfToken,
        now,
        now,
        expiresAt);
  }

  /** The session with its user's current role; disabled users have none. */
  public Optional<Session> findSession(String idHash) {
    return jdbc.queryOne(
        "SELECT s.id_hash, s.username, u.role, s.csrf_token, s.created_at, s.last_seen_at, "
            + "s.expires_at FROM user_sessions s JOIN users u ON u.username = s.username "
            + "WHERE s.id_hash = ? AND u.disabled = ?",
        rs ->
            new Session(
                rs.getString(1),
                rs.getString(2),
                Role.valueOf(rs.getString(3)),
                rs.getString(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7)),
        idHash,
        false);
  }

  public void touchSession(String idHash, long now, long expiresAt) {
    jdbc.update(
        "UPDATE user_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?",
        now,
        expiresAt,
        idHash);
  }

  public void deleteSession(String idHash) {
    jdbc.update("DELETE FROM user_sessions WHERE id_hash = ?", idHash);
  }

  /** Ends a user's sessions, except {@code keepIdHash} (may be null). */
  public void deleteSessionsOf(String username, String keepIdHash) {
    jdbc.update(
        "DELETE FROM user_sessions WHERE username = ? AND id_hash <> ?",
        username,
        keepIdHash == null ? "" : keepIdHash);
  }

  /** Forgets sessions that expired before {@code before}. */
  public int purgeSessions(long before) {
    return jdbc.update("DELETE FROM user_sessions WHERE expires_at < ?", before);
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(
        rs.getString("username"),
        Role.valueOf(rs.getString("role")),
        rs.getBoolean("disabled"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"));
  }
}
