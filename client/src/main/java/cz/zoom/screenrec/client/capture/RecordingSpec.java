package cz.zoom.screenrec.client.capture;

/** Which recording the recorder captures, as the server's START named it. */
public record RecordingSpec(String recordingId, String callId) {}
