package cz.zoom.screenrec.server.recording;

import java.util.List;
import java.util.Optional;

/**
 * The span of a recording that is played (and encoded, when a video is asked for), in the client's
 * clock like its segments. What a client claims (capture start and end, the times inside its
 * segments) is only ever cut, never trusted for length: the span must lie within what this server
 * observed itself, converted to the client's clock by the measured offset and widened by a margin
 * for the offset's error and the client's reaction time:
 *
 * <ul>
 *   <li>not after the last segment arrived (nothing is uploaded before it is captured), and not
 *       after the call's end when this cluster's call-event feed knows the call;
 *   <li>not before the call's start when the call is known, and not before the recording was
 *       created when this cluster created it at START (nothing was captured before);
 *   <li>a recording taken over without a known call has no observed start: its length is bounded by
 *       its segments instead, each at most {@link #MAX_SEGMENT_MS} long.
 * </ul>
 *
 * @param from start of what is played (client clock, ms)
 * @param to end of what is played (client clock, ms), after {@code from}
 */
public record PlayableWindow(long from, long to) {
  /** Longest segment a client may cut (the protocol's bound on segmentDurationMs). */
  static final long MAX_SEGMENT_MS = 600_000;

  public long durationMs() {
    return to - from;
  }

  /**
   * Cuts a claimed span to what the server observed; empty when nothing of it is left.
   *
   * @param call the recording's call as this cluster's feed knows it, or null
   * @param segments the recording's stored segments (their receipt times are server clock)
   */
  public static Optional<PlayableWindow> of(
      Recording r,
      Call call,
      List<Segment> segments,
      long claimedFrom,
      long claimedTo,
      long marginMs) {
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    long lastReceived = segments.stream().mapToLong(Segment::receivedAt).max().orElseThrow();
    long upper = lastReceived + marginMs;
    Long lower = null;
    if (call != null && call.agent().equals(r.agent())) {
      lower = call.startedAt() - marginMs;
      if (call.endedAt() != null) {
        upper = Math.min(upper, call.endedAt() + marginMs);
      }
    }
    if (!r.adopted()) {
      lower = Math.max(lower == null ? Long.MIN_VALUE : lower, r.createdAt() - marginMs);
    }
    long offset = r.clockOffsetMs();
    long from = lower == null ? claimedFrom : Math.max(claimedFrom, minus(lower, offset));
    long to = Math.min(claimedTo, minus(upper, offset));
    if (lower == null) {
      long span =
          (segments.stream().mapToInt(Segment::index).max().orElseThrow() + 1L) * MAX_SEGMENT_MS
              + marginMs;
      if (minus(to, span) > from) {
        to = from + span;
      }
    }
    return to > from ? Optional.of(new PlayableWindow(from, to)) : Optional.empty();
  }

  /** {@code a - b}, saturated: offsets and claims come from the network. */
  private static long minus(long a, long b) {
    long d = a - b;
    return ((a ^ b) & (a ^ d)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : d;
  }
}
