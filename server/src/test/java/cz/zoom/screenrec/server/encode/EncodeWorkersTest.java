package cz.zoom.screenrec.server.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.encode.EncoderSettings;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.server.StoredRecordings;
import cz.zoom.screenrec.server.recording.Recording;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Videos encoded on request against a real H2 database, media store and FFmpeg: once per recording,
 * kept, and one long recording does not hold back the others.
 */
class EncodeWorkersTest {
  static final Duration BUDGET_MIN = Duration.ofSeconds(5);
  static final long HOUR = 3_600_000;

  @TempDir Path dir;
  StoredRecordings stored;
  EncodeWorkers workers;

  @BeforeEach
  void open() throws Exception {
    stored = new StoredRecordings(dir);
    // one encoder thread, and a budget (5 s plus a ten-thousandth of the span) that a two-hour
    // recording cannot meet but a few seconds of one easily do
    workers =
        new EncodeWorkers(
            stored.store,
            stored.media,
            new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5)),
            1,
            new EncodeWorkers.Bounds(0.0001, BUDGET_MIN, 100),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    RecordingEncoder.preload();
  }

  @AfterEach
  void close() throws Exception {
    workers.close();
    stored.close();
  }

  @Test
  void theFirstRequestStartsTheEncodeAndLaterOnesGetTheKeptFile() throws Exception {
    long now = System.currentTimeMillis();
    String id = stored.readyRecording("call-1", now - 4_000, now, new long[] {now - 4_000, now});

    assertThat(workers.video(recording(id))).isInstanceOf(EncodeWorkers.VideoState.Encoding.class);
    EncodeWorkers.VideoState.Ready ready = awaitReady(id);
    assertThat(VideoProbe.probe(ready.file()).durationMs()).isBetween(3_800L, 4_200L);
    Recording r = recording(id);
    assertThat(r.videoCodec()).isEqualTo(VideoCodec.VP9_WEBM.id());
    assertThat(r.videoBytes()).isEqualTo(Files.size(ready.file()));
    long modified = Files.getLastModifiedTime(ready.file()).toMillis();

    EncodeWorkers fresh =
        new EncodeWorkers(
            stored.store,
            stored.media,
            new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5)),
            1,
            new EncodeWorkers.Bounds(0.0001, BUDGET_MIN, 100),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    try {
      assertThat(fresh.video(r))
          .as("after a restart too: the file is kept, not encoded again")
          .isEqualTo(new EncodeWorkers.VideoState.Ready(ready.file(), VideoCodec.VP9_WEBM));
    } finally {
      fresh.close();
    }
    assertThat(Files.getLastModifiedTime(ready.file()).toMillis()).isEqualTo(modified);
  }

  @Test
  void aRecordingLongerThanItsBudgetFailsAndOneAskedForBehindItIsEncodedSoonAfter()
      throws Exception {
    long now = System.currentTimeMillis();
    // a real two-hour call: 36,000 frames, far beyond 5 s of encoding
    String huge =
        stored.readyRecording(
            "call-long", now - 2 * HOUR, now, new long[] {now - 2 * HOUR, now - HOUR});
    String small =
        stored.readyRecording("call-short", now - 4_000, now, new long[] {now - 4_000, now});
    long asked = System.nanoTime();
    workers.video(recording(huge));
    workers.video(recording(small));

    awaitReady(small);
    assertThat(Duration.ofNanos(System.nanoTime() - asked))
        .as("at most the budget of the one in front and slack")
        .isLessThan(BUDGET_MIN.plusSeconds(45));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> workers.video(recording(huge)) instanceof EncodeWorkers.VideoState.Failed);
    assertThat(((EncodeWorkers.VideoState.Failed) workers.video(recording(huge))).reason())
        .contains("longer than its budget");
    assertThat(recording(huge).videoCodec()).isNull();
  }

  @Test
  void aShortRecordingPassesALongOneAskedForBeforeIt() throws Exception {
    long now = System.currentTimeMillis();
    String busy =
        stored.readyRecording(
            "call-busy", now - 2 * HOUR, now, new long[] {now - 2 * HOUR, now - HOUR});
    String longer =
        stored.readyRecording(
            "call-long", now - 2 * HOUR, now, new long[] {now - 2 * HOUR, now - HOUR});
    String small =
        stored.readyRecording("call-short", now - 4_000, now, new long[] {now - 4_000, now});
    workers.video(recording(busy));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> beingEncoded(busy));
    workers.video(recording(longer));
    workers.video(recording(small));

    awaitReady(small);
    // the long one needs its whole 5 s budget once started: not failed yet means it ran after
    assertThat(workers.video(recording(longer)))
        .isInstanceOf(EncodeWorkers.VideoState.Encoding.class);
  }

  @Test
  void pastTheWaitingBoundANewEncodeIsRefusedAndOneAlreadyWaitingIsNot() throws Exception {
    long now = System.currentTimeMillis();
    // no worker: every job asked for stays waiting
    EncodeWorkers stalled =
        new EncodeWorkers(
            stored.store,
            stored.media,
            new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5)),
            0,
            new EncodeWorkers.Bounds(0.0001, BUDGET_MIN, 2),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    try {
      String[] ids = new String[3];
      for (int i = 0; i < ids.length; i++) {
        ids[i] =
            stored.readyRecording("call-" + i, now - 4_000, now, new long[] {now - 4_000, now});
      }
      assertThat(stalled.video(recording(ids[0])))
          .isInstanceOf(EncodeWorkers.VideoState.Encoding.class);
      assertThat(stalled.video(recording(ids[1])))
          .isInstanceOf(EncodeWorkers.VideoState.Encoding.class);
      assertThat(stalled.video(recording(ids[2]))).isEqualTo(new EncodeWorkers.VideoState.Busy());
      assertThat(stalled.video(recording(ids[0])))
          .as("asked for again, a waiting one keeps its place")
          .isInstanceOf(EncodeWorkers.VideoState.Encoding.class);
      assertThatThrownBy(() -> stalled.awaitVideo(recording(ids[2]), Duration.ofSeconds(1)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("busy");
    } finally {
      stalled.close();
    }
  }

  private Recording recording(String id) {
    return stored.store.findRecording(id).orElseThrow();
  }

  private EncodeWorkers.VideoState.Ready awaitReady(String id) {
    EncodeWorkers.VideoState s =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> workers.video(recording(id)),
                v -> !(v instanceof EncodeWorkers.VideoState.Encoding));
    assertThat(s).isInstanceOf(EncodeWorkers.VideoState.Ready.class);
    return (EncodeWorkers.VideoState.Ready) s;
  }

  /** True once a worker writes the recording's video (its temporary file exists). */
  private boolean beingEncoded(String id) {
    return Files.exists(stored.media.recordingDir(id).resolve(".video.webm.part"));
  }
}
