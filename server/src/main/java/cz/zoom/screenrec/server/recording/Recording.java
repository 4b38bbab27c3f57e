package cz.zoom.screenrec.server.recording;

/**
 * A recording's row. Capture times are the client's clock; {@link #startedAt()} and {@link
 * #endedAt()} give server (UTC) time by adding the measured clock offset. {@code adopted}
 * recordings were taken over from another connection or cluster ({@code originClusterId} names it
 * when known). {@code desktopId} is the enrolled desktop the recording was issued to (null on a
 * plaintext control port).
 */
public record Recording(
    String id,
    String callId,
    String agent,
    String desktopId,
    String clusterId,
    RecordingStatus status,
    String failureReason,
    long createdAt,
    Long captureStartedAt,
    Long captureEndedAt,
    long clockOffsetMs,
    Integer segmentCount,
    boolean adopted,
    String originClusterId,
    String videoCodec,
    Long videoBytes,
    Long videoDurationMs) {

  public Long startedAt() {
    return captureStartedAt == null ? null : captureStartedAt + clockOffsetMs;
  }

  public Long endedAt() {
    return captureEndedAt == null ? null : captureEndedAt + clockOffsetMs;
  }
}
