package cz.zoom.screenrec.server.control;

/**
 * A client's clock offset from its recent heartbeats. Each sample is only as good as its round trip
 * is short (the offset can be off by up to half the round trip when the delay is one-sided, as on a
 * cold JVM), so, like NTP's clock filter, it trusts the sample with the shortest round trip among
 * the last {@value #WINDOW}. Thread-safe.
 */
final class ClockOffsetFilter {
  static final int WINDOW = 8;

  private final long[] offsets = new long[WINDOW];
  private final long[] roundTrips = new long[WINDOW];
  private int count;
  private int next;

  /** Adds a sample; samples without a round trip (−1: no estimate yet) are ignored. */
  synchronized void add(long offsetMs, long roundTripMs) {
    if (roundTripMs < 0) {
      return;
    }
    offsets[next] = offsetMs;
    roundTrips[next] = roundTripMs;
    next = (next + 1) % WINDOW;
    count = Math.min(count + 1, WINDOW);
  }

  /** Offset of the best sample, or 0 before the first one. */
  synchronized long offsetMs() {
    int best = bestIndex();
    return best < 0 ? 0 : offsets[best];
  }

  /** Round trip of the best sample, or −1 before the first one. */
  synchronized long roundTripMs() {
    int best = bestIndex();
    return best < 0 ? -1 : roundTrips[best];
  }

  private int bestIndex() {
    int best = -1;
    for (int i = 0; i < count; i++) {
      if (best < 0 || roundTrips[i] < roundTrips[best]) {
        best = i;
      }
    }
    return best;
  }
}
