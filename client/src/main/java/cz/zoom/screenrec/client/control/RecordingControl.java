package cz.zoom.screenrec.client.control;

import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the control connection asks of the recording side of the client. Called on the connection's
 * event loop: anything that touches the disk or waits is done elsewhere, and its future may
 * complete on another thread.
 */
public interface RecordingControl {

  /**
   * What HELLO says of recordings: the one being captured (null if none) and those whose segments
   * wait.
   */
  record HelloRecordings(ActiveRecording active, List<PendingRecording> pending) {
    public HelloRecordings {
      pending = List.copyOf(pending);
    }
  }

  /**
   * For HELLO: the recording being captured now (with the cluster that started it) and the pending
   * ones.
   */
  CompletableFuture<HelloRecordings> helloRecordings();

  /**
   * True when nothing is being captured or finished: the only time the client may change servers by
   * choice.
   */
  boolean idle();

  /**
   * Carries out START with the current session's settings. Completes with empty when capture has
   * started, else with the reason it could not (sent back as ACK ok=false).
   */
  CompletableFuture<Optional<String>> start(Start start);

  /**
   * Carries out STOP. Completes, once the final segment is spooled, with what to report as
   * RECORDING_STOPPED; empty when that recording was not being captured.
   */
  CompletableFuture<Optional<RecordingStopped>> stop(String recordingId);

  /**
   * Carries out CONFIGURE: completes with empty when the settings are taken, else why not (ACK
   * ok=false).
   */
  CompletableFuture<Optional<String>> configure(CaptureSettings settings);

  /**
   * A server welcomed this client and now controls it; it may have adopted the recording in
   * progress.
   */
  void sessionStarted(Welcome welcome);

  /**
   * A server welcomed this client but the client does not stay with it (a fail-back probe that came
   * while recording). Its upload grants still hold: that server took those recordings.
   */
  void uploadsGranted(Welcome welcome);

  /** The controlling session is gone. */
  void sessionLost();
}
