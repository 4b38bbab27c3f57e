package cz.zoom.screenrec.protocol;

/** Permission to upload a recording's remaining segments to the MUS named in WELCOME. */
public record UploadGrant(String recordingId, String uploadToken) {
  void validate() {
    Limits.requireRecordingId(recordingId);
    Limits.requireText("uploadGrants.uploadToken", uploadToken, true);
  }
}
