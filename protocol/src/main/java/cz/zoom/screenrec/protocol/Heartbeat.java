package cz.zoom.screenrec.protocol;

/**
 * Client → server every heartbeat interval.
 *
 * @param clockOffsetMs the client's latest estimate of (server clock − client clock), or 0
 * @param roundTripMs round-trip time of the heartbeat that gave that estimate, or −1 if none yet
 */
public record Heartbeat(long seq, long clientTime, long clockOffsetMs, long roundTripMs)
    implements ControlMessage {}
