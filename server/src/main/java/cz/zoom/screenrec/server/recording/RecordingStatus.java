package cz.zoom.screenrec.server.recording;

/** Life of a recording on one cluster. */
public enum RecordingStatus {
  /** The client is capturing. */
  RECORDING,
  /** Capture ended (or was asked to); waiting for the remaining segments. */
  UPLOADING,
  /** All segments are in; an encoder is making the video. */
  ENCODING,
  /** The video is encoded and verified. */
  READY,
  /** Nothing playable will come of it; {@code failureReason} says why. */
  FAILED
}
