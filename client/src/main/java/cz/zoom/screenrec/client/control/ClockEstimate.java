package cz.zoom.screenrec.client.control;

/**
 * The client's view of the server clock from the latest heartbeat round trip.
 *
 * @param offsetMs server clock − client clock
 * @param roundTripMs duration of the round trip that gave the offset, −1 before the first one
 */
public record ClockEstimate(long offsetMs, long roundTripMs) {
  public static final ClockEstimate NONE = new ClockEstimate(0, -1);

  /**
   * NTP-style estimate: the server read its clock about halfway through the round trip.
   *
   * @param sentAt client time the HEARTBEAT was sent (t0)
   * @param receivedAt client time the HEARTBEAT_ACK arrived (t3)
   */
  public static ClockEstimate of(long sentAt, long serverTime, long receivedAt) {
    return new ClockEstimate(serverTime - (sentAt + receivedAt) / 2, receivedAt - sentAt);
  }
}
