package cz.zoom.screenrec.server.recording;

/** One stored segment of a recording, and which cluster received it. */
public record Segment(String recordingId, int index, String sha256, long bytes, String clusterId, long receivedAt) {}
