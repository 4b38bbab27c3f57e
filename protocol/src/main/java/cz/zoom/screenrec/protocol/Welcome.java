package cz.zoom.screenrec.protocol;

import java.util.List;

/**
 * Server → client, answer to HELLO.
 *
 * @param uploadUrl base URL of the Media Upload Server this client uploads to
 * @param adoptedRecordingId the HELLO's active recording if this server took it over, else null
 * @param uploadToken token for uploading the adopted recording's segments, else null
 * @param uploadGrants tokens for the HELLO's pending recordings this server takes
 */
public record Welcome(
    String sessionId,
    String clusterId,
    long heartbeatIntervalMs,
    long deadPeerTimeoutMs,
    CaptureSettings capture,
    String uploadUrl,
    String adoptedRecordingId,
    String uploadToken,
    long serverTime,
    List<UploadGrant> uploadGrants)
    implements ControlMessage {

  public Welcome {
    uploadGrants = uploadGrants == null ? List.of() : List.copyOf(uploadGrants);
  }

  /** A WELCOME that grants no pending uploads. */
  public Welcome(
      String sessionId,
      String clusterId,
      long heartbeatIntervalMs,
      long deadPeerTimeoutMs,
      CaptureSettings capture,
      String uploadUrl,
      String adoptedRecordingId,
      String uploadToken,
      long serverTime) {
    this(
        sessionId,
        clusterId,
        heartbeatIntervalMs,
        deadPeerTimeoutMs,
        capture,
        uploadUrl,
        adoptedRecordingId,
        uploadToken,
        serverTime,
        List.of());
  }

  @Override
  public void validate() {
    Limits.requireText("sessionId", sessionId, true);
    Limits.requireName("clusterId", clusterId);
    Limits.requireRange("heartbeatIntervalMs", heartbeatIntervalMs, 100, 300_000);
    Limits.requireRange("deadPeerTimeoutMs", deadPeerTimeoutMs, 200, 900_000);
    if (capture == null) {
      throw new ProtocolException(ErrorCode.BAD_MESSAGE, "capture is required");
    }
    capture.validate();
    Limits.requireText("uploadUrl", uploadUrl, true);
    if (adoptedRecordingId != null) {
      Limits.requireRecordingId(adoptedRecordingId);
      Limits.requireText("uploadToken", uploadToken, true);
    }
    Limits.requireRange("uploadGrants", uploadGrants.size(), 0, Hello.MAX_PENDING_RECORDINGS);
    for (UploadGrant g : uploadGrants) {
      if (g == null) {
        throw new ProtocolException(ErrorCode.BAD_MESSAGE, "uploadGrants must not hold null");
      }
      g.validate();
    }
  }
}
