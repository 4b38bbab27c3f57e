package cz.zoom.screenrec.protocol;

/** Server → client, answer to HEARTBEAT: echoes its seq and client time, adds the server's. */
public record HeartbeatAck(long seq, long clientTime, long serverTime) implements ControlMessage {}
