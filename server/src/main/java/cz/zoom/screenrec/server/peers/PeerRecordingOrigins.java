package cz.zoom.screenrec.server.peers;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.recording.RecordingOrigins;
import java.io.IOException;
import java.util.Optional;

/** Looks a recording up in the REST API of the peer cluster that is said to have started it. */
public final class PeerRecordingOrigins implements RecordingOrigins {
  private final Peers peers;

  public PeerRecordingOrigins(Peers peers) {
    this.peers = peers;
  }

  @Override
  public Optional<Issued> issued(String clusterId, String recordingId)
      throws IOException, InterruptedException {
    if (!Limits.RECORDING_ID.matcher(recordingId).matches()) {
      return Optional.empty();
    }
    Optional<PeerClient> peer = peers.find(clusterId);
    if (peer.isEmpty()) {
      if (peers.someUnresolved()) {
        // a peer that did not say its cluster id may be the one: no answer yet, not a "no"
        throw new IOException("cluster " + clusterId + " may be a peer that does not answer");
      }
      return Optional.empty();
    }
    Optional<JsonNode> found = peer.get().getJson("/api/v1/recordings/" + recordingId);
    if (found.isEmpty() || !recordingId.equals(found.get().path("id").asText(null))) {
      return Optional.empty();
    }
    return Optional.of(
        new Issued(
            found.get().path("agent").asText(null), found.get().path("callId").asText(null)));
  }
}
