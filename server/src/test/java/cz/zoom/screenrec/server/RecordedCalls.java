package cz.zoom.screenrec.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.Welcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Records a short call on a test server, the client side spoken over a real socket. */
final class RecordedCalls {
  static final long SEGMENT_MS = 2_000;

  private RecordedCalls() {}

  /**
   * One solid colour per 2 s segment, captured from {@code t0} (client clock = server clock here).
   * Returns the recording as the REST API shows it once READY.
   */
  static JsonNode record(ServerFixture fx, String agentName, String callId, long t0, int... colours)
      throws Exception {
    return record(
        fx,
        agentName,
        callId,
        t0,
        colours.length,
        (id, i) -> RecordingFlowTest.segment(id, i, t0 + i * SEGMENT_MS, colours[i]));
  }

  /** Segment bytes for (recording id, index); null: the segment never arrives. */
  interface Segments {
    byte[] make(String recordingId, int index) throws Exception;
  }

  /**
   * Records {@code count} segments of 2 s from {@code t0}; those {@code segments} gives null for
   * are never uploaded (the server then encodes after its upload grace, with gaps).
   */
  static JsonNode record(
      ServerFixture fx, String agentName, String callId, long t0, int count, Segments segments)
      throws Exception {
    try (TestAgent agent = fx.agent()) {
      agent.send(TestAgent.hello(agentName));
      agent.receive(Welcome.class);
      CompletableFuture<HttpResponse<String>> started =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return fx.post(
                      "/api/v1/calls/" + callId + "/start", "{\"agent\":\"" + agentName + "\"}");
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Start start = agent.receive(Start.class);
      agent.send(new Ack(start.seq(), true, null));
      if (started.get().statusCode() != 201) {
        throw new AssertionError("call start: " + started.get().body());
      }
      for (int i = 0; i < count; i++) {
        byte[] seg = segments.make(start.recordingId(), i);
        if (seg == null) {
          continue;
        }
        HttpRequest.Builder b =
            HttpRequest.newBuilder(
                    URI.create(
                        start.uploadUrl()
                            + "/recordings/"
                            + start.recordingId()
                            + "/segments/"
                            + i))
                .header("Authorization", "Bearer " + start.uploadToken())
                .header("X-Segment-Sha256", RecordingFlowTest.sha256(seg))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(seg));
        if (i == count - 1) {
          b.header("X-Segment-Final", "true");
        }
        int status = fx.send(b).statusCode();
        if (status != 201) {
          throw new AssertionError("segment " + i + " upload answered " + status);
        }
      }
      fx.post("/api/v1/calls/" + callId + "/end", "");
      Stop stop = agent.receive(Stop.class);
      agent.send(new Ack(stop.seq(), true, null));
      agent.send(
          new RecordingStopped(
              start.recordingId(), count, t0, t0 + count * SEGMENT_MS, "stopped by server"));
      String path = "/api/v1/recordings/" + start.recordingId();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> ServerFixture.json(fx.get(path)).get("status").asText(),
              s -> s.equals("READY") || s.equals("FAILED"));
      JsonNode rec = ServerFixture.json(fx.get(path));
      if (!rec.get("status").asText().equals("READY")) {
        throw new AssertionError("recording failed: " + rec);
      }
      return rec;
    }
  }
}
