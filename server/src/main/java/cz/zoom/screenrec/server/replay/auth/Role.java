package cz.zoom.screenrec.server.replay.auth;

/**
 * What a replay user may do: reviewers search and replay; admins also manage users and read the
 * audit log.
 */
public enum Role {
  ADMIN,
  REVIEWER
}
