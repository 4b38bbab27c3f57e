package cz.zoom.screenrec.server.replay.auth;

/**
 * A logged-in browser. {@code expiresAt} is the earlier of the idle and the absolute limit, as of
 * the last request.
 */
public record Session(
    String idHash,
    String username,
    Role role,
    String csrfToken,
    long createdAt,
    long lastSeenAt,
    long expiresAt) {}
