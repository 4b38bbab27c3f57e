package cz.zoom.screenrec.server.replay.auth;

import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.replay.audit.AuditAction;
import cz.zoom.screenrec.server.replay.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins, sessions and user administration of the replay UI. Session ids are 32 random bytes; the
 * database keeps only their SHA-256. Each session has its own CSRF token.
 */
public final class AuthService {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{43}");
  public static final int MIN_PASSWORD = 8;
  public static final int MAX_PASSWORD = 1024;

  /**
   * Expired sessions are kept this long so a returning browser hears "expired", not "not logged
   * in".
   */
  private static final long KEEP_EXPIRED_MS = 24 * 3_600_000L;

  /** What a request's session cookie turned out to be. */
  public sealed interface SessionCheck {
    record Valid(Session session) implements SessionCheck {}

    record Expired() implements SessionCheck {}

    record Missing() implements SessionCheck {}
  }

  /** A fresh login: the cookie value to set, and its session. */
  public record LoggedIn(String sessionId, Session session) {}

  private final UserStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration idle;
  private final Duration max;
  private final LoginThrottle throttle;

  public AuthService(
      UserStore store, AuditLog audit, Clock clock, Duration idle, Duration max, Duration lock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.idle = idle;
    this.max = max;
    this.throttle = new LoginThrottle(lock, clock);
  }

  // --- login ---------------------------------------------------------------------------------

  /**
   * Checks the password of a login from {@code address} and opens a session; 401 bad_credentials,
   * 429 locked.
   */
  public LoggedIn login(String username, char[] password, String address) {
    try {
      if (username == null
          || username.isEmpty()
          || username.length() > 128
          || password == null
          || password.length > MAX_PASSWORD) {
        audit.record(clip(username), AuditAction.LOGIN_FAILED, null, "malformed login");
        throw badCredentials();
      }
      long locked = throttle.lockedFor(username, address);
      if (locked > 0) {
        audit.record(username, AuditAction.LOGIN_FAILED, null, "locked after repeated failures");
        throw new Refusal.Throttled(
            "locked",
            "too many failed logins for this user from this address; try again in "
                + Math.max(1, (locked + 999) / 1000)
                + " s");
      }
      Optional<User> user = store.findUser(username);
      Optional<String> hash = user.isPresent() ? store.passwordHash(username) : Optional.empty();
      boolean ok =
          hash.isPresent()
              ? PasswordHasher.verify(password, hash.get())
              : PasswordHasher.verifyNobody(password);
      if (!ok || user.get().disabled()) {
        boolean nowLocked = throttle.failed(username, address);
        audit.record(
            username,
            AuditAction.LOGIN_FAILED,
            null,
            (user.isEmpty()
                    ? "unknown user"
                    : user.get().disabled() && ok ? "user disabled" : "wrong password")
                + (nowLocked ? "; locked" : ""));
        throw badCredentials();
      }
      throttle.succeeded(username, address);
      long now = clock.millis();
      store.purgeSessions(now - KEEP_EXPIRED_MS);
      String id = random(32);
      String csrf = random(32);
      long expiresAt = Math.min(now + idle.toMillis(), now + max.toMillis());
      store.insertSession(sha256(id), username, csrf, now, expiresAt);
      audit.record(username, AuditAction.LOGIN, null, null);
      return new LoggedIn(
          id, new Session(sha256(id), username, user.get().role(), csrf, now, now, expiresAt));
    } finally {
      PasswordHasher.wipe(password);
    }
  }

  /** Looks up a session cookie and, if valid, counts this request as activity. */
  public SessionCheck check(String sessionId) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      return new SessionCheck.Missing();
    }
    Optional<Session> found = store.findSession(sha256(sessionId));
    if (found.isEmpty()) {
      return new SessionCheck.Missing();
    }
    Session s = found.get();
    long now = clock.millis();
    if (now >= s.expiresAt()) {
      return new SessionCheck.Expired();
    }
    long expiresAt = Math.min(now + idle.toMillis(), s.createdAt() + max.toMillis());
    // a write per request would be wasted; a quarter of the idle time (≤ 15 s) is precise enough
    if (now - s.lastSeenAt() >= Math.min(15_000, idle.toMillis() / 4)) {
      store.touchSession(s.idHash(), now, expiresAt);
      s =
          new Session(
              s.idHash(), s.username(), s.role(), s.csrfToken(), s.createdAt(), now, expiresAt);
    }
    return new SessionCheck.Valid(s);
  }

  public void logout(Session s) {
    store.deleteSession(s.idHash());
    audit.record(s.username(), AuditAction.LOGOUT, null, null);
  }

  /** Constant-time comparison of a presented CSRF token with the session's. */
  public static boolean csrfMatches(Session s, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8),
            s.csrfToken().getBytes(StandardCharsets.UTF_8));
  }

  // --- users ---------------------------------------------------------------------------------

  public List<User> users() {
    return store.users();
  }

  public User createUser(String actor, String username, char[] password, Role role) {
    try {
      validName(username);
      validPassword(password);
      if (role == null) {
        throw new Refusal.Invalid("role must be ADMIN or REVIEWER");
      }
      if (!store.insertUser(username, role, PasswordHasher.hash(password), clock.millis())) {
        throw new Refusal.Conflict("user_exists", "user " + username + " already exists");
      }
      audit.record(actor, AuditAction.USER_CREATED, null, "user=" + username + " role=" + role);
      return store.findUser(username).orElseThrow();
    } finally {
      PasswordHasher.wipe(password);
    }
  }

  /**
   * Changes a user; null fields stay. A new password or disabling ends the user's other sessions.
   * The last active admin cannot be demoted or disabled (nobody could manage users any more).
   */
  public synchronized User updateUser(
      Session actor, String username, Role role, char[] password, Boolean disabled) {
    try {
      User user =
          store
              .findUser(username)
              .orElseThrow(() -> new Refusal.NotFound("unknown user " + username));
      if (password != null) {
        validPassword(password);
      }
      boolean losesAdmin =
          user.role() == Role.ADMIN
              && !user.disabled()
              && (role != null && role != Role.ADMIN || Boolean.TRUE.equals(disabled));
      if (losesAdmin && store.countActiveAdmins() <= 1) {
        throw new Refusal.Conflict(
            "last_admin", "this is the last active admin; make another admin first");
      }
      long now = clock.millis();
      List<String> changes = new ArrayList<>();
      if (role != null && role != user.role()) {
        store.updateRole(username, role, now);
        changes.add("role=" + role);
      }
      if (password != null) {
        store.updatePassword(username, PasswordHasher.hash(password), now);
        changes.add("password changed");
      }
      if (disabled != null && disabled != user.disabled()) {
        store.updateDisabled(username, disabled, now);
        changes.add(disabled ? "disabled" : "enabled");
      }
      if (password != null || Boolean.TRUE.equals(disabled)) {
        store.deleteSessionsOf(username, username.equals(actor.username()) ? actor.idHash() : null);
      }
      audit.record(
          actor.username(),
          AuditAction.USER_CHANGED,
          null,
          "user="
              + username
              + " "
              + (changes.isEmpty() ? "no change" : String.join(", ", changes)));
      return store.findUser(username).orElseThrow();
    } finally {
      PasswordHasher.wipe(password);
    }
  }

  /**
   * Creates user {@code admin} when there are no users at all; returns its password if generated.
   */
  public Optional<String> ensureFirstAdmin(String configuredPassword) {
    if (store.countUsers() > 0) {
      return Optional.empty();
    }
    String password = configuredPassword != null ? configuredPassword : random(18);
    if (store.insertUser(
        "admin", Role.ADMIN, PasswordHasher.hash(password.toCharArray()), clock.millis())) {
      audit.record(null, AuditAction.USER_CREATED, null, "user=admin role=ADMIN (first start)");
      log.info("created the first replay admin, user 'admin'");
      return configuredPassword != null ? Optional.empty() : Optional.of(password);
    }
    return Optional.empty();
  }

  public static void validName(String username) {
    if (username == null || !Limits.NAME.matcher(username).matches()) {
      throw new Refusal.Invalid(
          "user name must be 1-128 characters of letters, digits and . _ @ : -, not only dots");
    }
  }

  private static void validPassword(char[] password) {
    if (password == null || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw new Refusal.Invalid(
          "password must be " + MIN_PASSWORD + ".." + MAX_PASSWORD + " characters");
    }
  }

  private static Refusal badCredentials() {
    return new Refusal.Unauthenticated("bad_credentials", "wrong user name or password");
  }

  private static String clip(String s) {
    return s == null ? null : s.length() <= 128 ? s : s.substring(0, 128);
  }

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
