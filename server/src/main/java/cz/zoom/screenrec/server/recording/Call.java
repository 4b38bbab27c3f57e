package cz.zoom.screenrec.server.recording;

/** A call as heard from this cluster's call-event feed. */
public record Call(String callId, String agent, long startedAt, Long endedAt) {}
