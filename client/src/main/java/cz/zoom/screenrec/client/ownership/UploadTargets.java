package cz.zoom.screenrec.client.ownership;

import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.PendingRecording;
import cz.zoom.screenrec.protocol.UploadGrant;
import cz.zoom.screenrec.protocol.Welcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one agent's spooled recordings upload to, as the servers decide it: the pending recordings
 * HELLO offers, and the grants and adoptions of WELCOME and repeated STARTs that move them to
 * another server's Media Upload Server. The spool only keeps the manifests; this is what reads the
 * protocol's messages into them.
 */
final class UploadTargets {
  private static final Logger log = LoggerFactory.getLogger(UploadTargets.class);

  /** Origin reported for recordings spooled by clients that did not note their origin cluster. */
  static final String ORIGIN_UNKNOWN = "unknown";

  private final Spool spool;
  private final String agent;
  private final boolean sharedSpool;

  /**
   * @param sharedSpool the spool holds other agents' recordings too (service mode): offer only this
   *     agent's
   */
  UploadTargets(Spool spool, String agent, boolean sharedSpool) {
    this.spool = spool;
    this.agent = agent;
    this.sharedSpool = sharedSpool;
  }

  /**
   * What HELLO offers: ended recordings whose segments still wait in the spool, oldest first, at
   * most {@link Hello#MAX_PENDING_RECORDINGS} (the rest are offered once these have left it).
   */
  List<PendingRecording> pending() {
    List<Manifest> ended;
    try {
      ended = spool.endedWithSegmentsLeft();
    } catch (IOException e) {
      log.warn("agent {}: cannot list the spool for pending recordings: {}", agent, e.toString());
      return List.of();
    }
    List<PendingRecording> pending = new ArrayList<>();
    for (Manifest m : ended) {
      if (sharedSpool && !agent.equals(m.agent())) {
        continue;
      }
      if (pending.size() == Hello.MAX_PENDING_RECORDINGS) {
        log.warn(
            "agent {}: more than {} recordings wait in the spool; offering the oldest",
            agent,
            pending.size());
        break;
      }
      pending.add(
          new PendingRecording(
              m.recordingId(),
              m.callId(),
              m.startedAt(),
              m.endedAt() == null ? m.startedAt() : m.endedAt(),
              m.finalIndex() + 1,
              m.originClusterId() == null ? ORIGIN_UNKNOWN : m.originClusterId()));
    }
    return pending;
  }

  /**
   * Points the remaining segments of the recordings a WELCOME grants at that server's MUS. Only an
   * ended recording of this agent can be granted: a grant never moves one still being captured.
   */
  void applyGrants(Welcome welcome) {
    for (UploadGrant grant : welcome.uploadGrants()) {
      Optional<Manifest> m;
      try {
        m = spool.manifest(grant.recordingId());
      } catch (IOException e) {
        log.warn(
            "agent {}: cannot read the manifest of granted recording {}: {}",
            agent,
            grant.recordingId(),
            e.toString());
        continue;
      }
      if (m.isEmpty() || !m.get().captureEnded() || !agent.equals(m.get().agent())) {
        log.info(
            "agent {}: ignoring the grant for recording {}: not an ended recording of this agent",
            agent,
            grant.recordingId());
        continue;
      }
      if (retarget(grant.recordingId(), welcome.uploadUrl(), grant.uploadToken()).isEmpty()) {
        log.info(
            "cluster {} takes the remaining segments of recording {}: uploading them to {}",
            welcome.clusterId(),
            grant.recordingId(),
            welcome.uploadUrl());
      }
    }
  }

  /**
   * Sends a recording's later uploads elsewhere; returns why not if the manifest cannot be written.
   */
  Optional<String> retarget(String recordingId, String uploadUrl, String uploadToken) {
    try {
      spool.updateUpload(recordingId, uploadUrl, uploadToken);
      return Optional.empty();
    } catch (IOException e) {
      log.error("agent {}: cannot record the new upload target of {}", agent, recordingId, e);
      return Optional.of("cannot write the spool: " + e.getMessage());
    }
  }
}
