package cz.zoom.screenrec.server.recording;

import java.io.IOException;
import java.util.Optional;

/**
 * What the configured peer clusters say about a recording this cluster never saw: the check behind
 * taking over a pending recording that another cluster started.
 */
public interface RecordingOrigins {
  /** Who a peer cluster issued a recording to, as its API shows it. */
  record Issued(String agent, String callId) {}

  /**
   * Asks the peer cluster {@code clusterId} about {@code recordingId}.
   *
   * @return empty if {@code clusterId} is no configured peer or the peer does not know the
   *     recording
   * @throws IOException the peer did not answer
   */
  Optional<Issued> issued(String clusterId, String recordingId)
      throws IOException, InterruptedException;

  /** No peers configured: only this cluster's own recordings are taken over. */
  RecordingOrigins NONE = (clusterId, recordingId) -> Optional.empty();
}
