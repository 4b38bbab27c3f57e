package cz.zoom.screenrec.server.ready;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cz.zoom.screenrec.encode.EncoderSettings;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoLayout;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.server.StoredRecordings;
import cz.zoom.screenrec.server.encode.VideoLayouts;
import cz.zoom.screenrec.server.evidence.RecordingEvidence;
import cz.zoom.screenrec.server.evidence.Sealer;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.trust.CertificateAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The READY check against a real H2 database and media store: a recording is READY once its
 * segments are read back, without any video being encoded, and what a client claims does not decide
 * how long it plays.
 */
class ReadyWorkerTest {
  static final Duration MARGIN = Duration.ofSeconds(1);
  static final long HOUR = 3_600_000;
  static final RecordingEncoder ENCODER =
      new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5));

  @TempDir Path dir;
  StoredRecordings stored;
  ReadyWorker worker;

  @BeforeEach
  void open() throws Exception {
    stored = new StoredRecordings(dir);
    worker =
        new ReadyWorker(
            stored.store,
            stored.media,
            ENCODER,
            MARGIN,
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            new RecordingEvidence(
                new Sealer(
                    CertificateAuthority.create("test CA", Duration.ofDays(1)),
                    "default",
                    Clock.systemUTC()),
                stored.media));
  }

  @AfterEach
  void close() throws Exception {
    worker.close();
    stored.close();
  }

  @Test
  void aClaimOfHoursBecomesARecordingAsLongAsTheCallTheServerObserved() throws Exception {
    long now = System.currentTimeMillis();
    // a 10 s call; the client says it captured from six hours before to six hours after
    String id =
        stored.recording(
            "call-1",
            now - 10_000,
            now,
            now - 10_000,
            now - 6 * HOUR,
            now + 6 * HOUR,
            new long[] {now - 6 * HOUR, now - 5_000, now + 6 * HOUR});
    worker.accept(id);
    Recording r = stored.awaitChecked(id);

    assertThat(r.status()).as(String.valueOf(r.failureReason())).isEqualTo(RecordingStatus.READY);
    assertThat(r.videoDurationMs()).isEqualTo(10_000 + 2 * MARGIN.toMillis());
    assertThat(r.captureStartedAt())
        .as("the replay places the recording where it was cut")
        .isEqualTo(now - 10_000 - MARGIN.toMillis());
    assertThat(r.videoCodec()).as("nothing encoded").isNull();
    try (var files = Files.list(stored.media.recordingDir(id))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("segments", RecordingEvidence.FILE);
    }
    assertThat(stored.store.layout(id))
        .contains(new VideoLayout(320, 240, 1, List.of(new ScreenLayout(0, 0, 0, 320, 240))));
    JsonNode manifest =
        new ObjectMapper()
            .readTree(
                new ObjectMapper()
                    .readTree(
                        stored.media.recordingDir(id).resolve(RecordingEvidence.FILE).toFile())
                    .path("manifest")
                    .asText());
    assertThat(manifest.path("segments")).hasSize(1);
    assertThat(manifest.path("videoFrom").asLong()).isEqualTo(r.captureStartedAt());
    assertThat(manifest.has("video")).as("no video to vouch for").isFalse();
    assertThat(stored.store.uploadToken(id, "a".repeat(64)).orElseThrow().revoked()).isTrue();
  }

  @Test
  void aRecordingLongerThanADayFailsRatherThanBurdenTheReplay() throws Exception {
    long now = System.currentTimeMillis();
    long from = now - 25 * HOUR;
    String id = stored.recording("call-1", from, now, from, from, now, new long[] {from, now});
    worker.accept(id);

    Recording r = stored.awaitChecked(id);
    assertThat(r.status()).isEqualTo(RecordingStatus.FAILED);
    assertThat(r.failureReason()).contains("more than the 24 h");
  }

  @Test
  void aDamagedSegmentStillMakesTheRecordingReady() throws Exception {
    long now = System.currentTimeMillis();
    String id =
        stored.recording(
            "call-1",
            now - 4_000,
            now,
            now - 4_000,
            now - 4_000,
            now,
            new long[] {now - 4_000, now - 2_000, now});
    Path segment = stored.media.segmentPath(id, 0);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 20] ^= 0x55;
    Files.write(segment, bytes);
    worker.accept(id);

    Recording r = stored.awaitChecked(id);
    assertThat(r.status())
        .as("what is valid of it plays; the rest is a gap the player shows")
        .isEqualTo(RecordingStatus.READY);
  }

  @Test
  void aRecordingWhoseSegmentsAreAllUnreadableFails() throws Exception {
    long now = System.currentTimeMillis();
    String id = oneSegmentOfFourSeconds(now);
    Files.write(stored.media.segmentPath(id, 0), new byte[] {1, 2, 3});
    worker.accept(id);

    Recording r = stored.awaitChecked(id);
    assertThat(r.status()).isEqualTo(RecordingStatus.FAILED);
    assertThat(r.failureReason()).isNotBlank();
  }

  @Test
  void aRecordingMadeReadyBeforeLayoutsWereStoredGetsItsLayoutOnce() throws Exception {
    long now = System.currentTimeMillis();
    String id = oneSegmentOfFourSeconds(now);
    VideoLayouts layouts = new VideoLayouts(stored.store, stored.media, ENCODER);
    assertThat(layouts.of(stored.store.findRecording(id).orElseThrow()))
        .as("not ready yet")
        .isEmpty();
    worker.accept(id);
    assertThat(stored.awaitChecked(id).status()).isEqualTo(RecordingStatus.READY);
    VideoLayout checked = stored.store.layout(id).orElseThrow();
    // what a server that did not store layouts left behind
    new Jdbc(stored.database.dataSource())
        .update("DELETE FROM recording_layout WHERE recording_id = ?", id);

    Recording r = stored.store.findRecording(id).orElseThrow();
    assertThat(layouts.of(r)).contains(checked);
    assertThat(stored.store.layout(id)).as("stored").contains(checked);
    Files.delete(stored.media.segmentPath(id, 0));
    assertThat(layouts.of(r)).as("read from the database, not the segments").contains(checked);
  }

  @Test
  void aRecordingWithoutLayoutOrReadableSegmentHasNone() throws Exception {
    long now = System.currentTimeMillis();
    String id = stored.readyRecording("call-1", now - 4_000, now, new long[] {now - 4_000, now});
    Files.write(stored.media.segmentPath(id, 0), new byte[] {1, 2, 3});
    VideoLayouts layouts = new VideoLayouts(stored.store, stored.media, ENCODER);

    assertThat(layouts.of(stored.store.findRecording(id).orElseThrow())).isEmpty();
    assertThat(stored.store.layout(id)).isEmpty();
  }

  /** A call of 4 s ending now, all of it in one segment. */
  private String oneSegmentOfFourSeconds(long now) throws Exception {
    return stored.recording(
        "call-1", now - 4_000, now, now - 4_000, now - 4_000, now, new long[] {now - 4_000, now});
  }
}
