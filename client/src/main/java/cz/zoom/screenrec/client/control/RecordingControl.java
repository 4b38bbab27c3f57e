package cz.zoom.screenrec.client.control;

import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the control connection asks of the recording side of the client. */
public interface RecordingControl {

  /** The recording being captured now, for HELLO. */
  Optional<ActiveRecording> activeRecording();

  /**
   * Carries out START. Completes with empty when capture has started, else with the reason it
   * could not (sent back as ACK ok=false).
   *
   * @param sessionSettings the WELCOME's capture settings, used when START carries none
   */
  CompletableFuture<Optional<String>> start(Start start, CaptureSettings sessionSettings);

  /**
   * Carries out STOP. Completes, once the final segment is spooled, with what to report as
   * RECORDING_STOPPED; empty when that recording was not being captured.
   */
  CompletableFuture<Optional<RecordingStopped>> stop(String recordingId);

  /** A server welcomed this client; it may have adopted the recording in progress. */
  void sessionStarted(Welcome welcome);

  /** The control connection is gone (or never got to WELCOME). */
  void sessionLost();
}
