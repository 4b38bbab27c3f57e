package cz.zoom.screenrec.server.replay.audit;

/** What an audit event records. */
public enum AuditAction {
  LOGIN,
  LOGIN_FAILED,
  LOGOUT,
  /** Someone opened a call's media in the replay. */
  REPLAY,
  /** Someone asked for a call's media as one exported file. */
  EXPORT,
  USER_CREATED,
  USER_CHANGED
}
