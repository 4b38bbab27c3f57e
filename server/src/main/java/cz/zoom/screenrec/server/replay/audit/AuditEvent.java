package cz.zoom.screenrec.server.replay.audit;

/**
 * One audit row; {@code at} is UTC ms, {@code username} who did it (as typed, for failed logins).
 */
public record AuditEvent(
    long id, long at, String username, AuditAction action, String callId, String detail) {}
