package cz.zoom.screenrec.protocol;

/**
 * Server → client: start recording the screen for a call.
 *
 * @param uploadUrl base URL of the Media Upload Server for this recording's segments
 * @param uploadToken bearer token the MUS accepts for this recording only
 * @param capture settings for this recording, or null to keep the session's
 */
public record Start(
    long seq,
    String recordingId,
    String callId,
    String uploadUrl,
    String uploadToken,
    CaptureSettings capture)
    implements ControlMessage {

  @Override
  public void validate() {
    Limits.requireRecordingId(recordingId);
    Limits.requireName("callId", callId);
    Limits.requireText("uploadUrl", uploadUrl, true);
    Limits.requireText("uploadToken", uploadToken, true);
    if (capture != null) {
      capture.validate();
    }
  }
}
