package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * What captures a recording's screen: the desktop's own {@link Recorder}, or in service mode a
 * session's capture process over IPC. It captures at most one recording at a time and knows nothing
 * of servers; who owns the recording is decided above it. Its futures may complete on any thread.
 */
public interface CaptureBackend {

  /** Starts capturing; completes with empty once capture runs, else with why not. */
  CompletableFuture<Optional<String>> start(RecordingSpec spec, CaptureSettings settings);

  /**
   * Ends {@code recordingId}: completes once its final segment is spooled, with what was captured;
   * with empty when that recording is not being captured. A second stop of the same recording gets
   * the same future.
   */
  CompletableFuture<Optional<RecordingSummary>> stop(String recordingId, String reason);

  /**
   * Gives the recording being captured new settings: completes with empty when taken (or when
   * nothing is being captured, so there is nothing to change), else with why not.
   */
  CompletableFuture<Optional<String>> configure(CaptureSettings settings);

  /** The recording being captured (not one that is stopping), without its origin cluster. */
  Optional<ActiveRecording> active();

  /**
   * Tells {@code listener} of a recording that ended without a stop (the session logged off, the
   * capture process went away): its id, and what was captured when its final segment was spooled.
   */
  void onEndedByItself(BiConsumer<String, Optional<RecordingSummary>> listener);
}
