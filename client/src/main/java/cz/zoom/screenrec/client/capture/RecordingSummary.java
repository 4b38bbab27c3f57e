package cz.zoom.screenrec.client.capture;

/** A recording that has ended on this client; every one of its segments is spooled. */
public record RecordingSummary(
    String recordingId,
    String callId,
    int segmentCount,
    long startedAt,
    long endedAt,
    String reason) {}
