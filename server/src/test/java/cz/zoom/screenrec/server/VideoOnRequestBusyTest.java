package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.server.config.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/recordings/{id}/video} once encodes pile up, over a real socket: past {@code
 * --max-waiting-encodes} a request is refused with 503 and Retry-After, and the ones accepted
 * before it are still encoded.
 */
class VideoOnRequestBusyTest {
  private static final long HOUR = 3_600_000;

  @TempDir Path dataDir;

  @Test
  void pastTheWaitingBoundAVideoRequestIsAnswered503AndTheWaitingOneIsStillEncoded()
      throws Exception {
    long now = System.currentTimeMillis();
    String running;
    String waiting;
    String refused;
    try (StoredRecordings stored = new StoredRecordings(dataDir)) {
      // an hour whose picture changes every second: an encode that runs until its budget stops it
      long[] everySecond = new long[3_601];
      for (int i = 0; i < everySecond.length; i++) {
        everySecond[i] = now - HOUR + i * 1_000L;
      }
      running = stored.readyRecording("call-long", now - HOUR, now, everySecond);
      waiting = stored.readyRecording("call-2", now - 4_000, now, new long[] {now - 4_000, now});
      refused = stored.readyRecording("call-3", now - 4_000, now, new long[] {now - 4_000, now});
    }
    try (ServerFixture fx =
        new ServerFixture(
            dataDir,
            ServerConfig.builder()
                .encoderThreads(1)
                .maxWaitingEncodes(1)
                .encodeBudgetFactor(0.0001)
                .encodeBudgetMinMs(5_000))) {
      assertThat(video(fx, running).statusCode()).isEqualTo(202);
      // once the one worker is busy with it, the next request waits and the one after is refused
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ServerFixture.json(video(fx, running)).path("progress").asDouble() > 0);

      HttpResponse<String> second = video(fx, waiting);
      assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
      assertThat(second.headers().firstValue("Retry-After")).hasValue("2");

      HttpResponse<String> third = video(fx, refused);
      assertThat(third.statusCode()).as(third.body()).isEqualTo(503);
      assertThat(ServerFixture.json(third).path("error").asText()).isEqualTo("encoders_busy");
      assertThat(third.headers().firstValue("Retry-After")).hasValue("30");

      // the long one is stopped by its budget; the waiting one is encoded after it
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> video(fx, waiting).statusCode(), code -> code == 200);
      assertThat(video(fx, running).statusCode()).isEqualTo(500);
      assertThat(video(fx, refused).statusCode())
          .as("asked again once there is room, it is accepted")
          .isIn(200, 202);
    }
  }

  private static HttpResponse<String> video(ServerFixture fx, String recordingId) throws Exception {
    return fx.get("/api/v1/recordings/" + recordingId + "/video");
  }
}
