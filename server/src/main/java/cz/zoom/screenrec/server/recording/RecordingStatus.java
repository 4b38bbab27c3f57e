package cz.zoom.screenrec.server.recording;

/** Life of a recording on one cluster. */
public enum RecordingStatus {
  /** The client is capturing. */
  RECORDING,
  /** Capture ended (or was asked to); waiting for the remaining segments. */
  UPLOADING,
  /**
   * All segments are in and being checked (milliseconds). The name is older than playing the
   * capture format in the browser, when an encoder made the video here; integrators know it.
   */
  ENCODING,
  /** Checked, laid out and sealed: playable. A video file is encoded only when asked for. */
  READY,
  /** Nothing playable will come of it; {@code failureReason} says why. */
  FAILED
}
