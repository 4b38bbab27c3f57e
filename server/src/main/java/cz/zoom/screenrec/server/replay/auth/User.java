package cz.zoom.screenrec.server.replay.auth;

/** A replay UI user. The password hash never leaves the auth package's stores. */
public record User(String username, Role role, boolean disabled, long createdAt, long updatedAt) {}
