package cz.zoom.screenrec.server.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.encode.EncoderSettings;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoLayout;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.server.evidence.RecordingEvidence;
import cz.zoom.screenrec.server.evidence.Sealer;
import cz.zoom.screenrec.server.recording.Call;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.Database;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.trust.CertificateAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder pool against a real H2 database, media store and FFmpeg: what a client claims does
 * not decide how long the video is, and one long recording does not hold back the others.
 */
class EncodeWorkersTest {
  static final Duration MARGIN = Duration.ofSeconds(1);
  static final Duration BUDGET_MIN = Duration.ofSeconds(5);
  static final long HOUR = 3_600_000;

  @TempDir Path dir;
  Database database;
  RecordingStore store;
  LocalMediaStore media;
  EncodeWorkers workers;

  @BeforeEach
  void open() throws Exception {
    database =
        new Database(
            "jdbc:h2:file:" + dir.resolve("db").resolve("screenrec") + ";DB_CLOSE_ON_EXIT=FALSE",
            "sa",
            "",
            10);
    store = new RecordingStore(new Jdbc(database.dataSource()));
    media = new LocalMediaStore(dir.resolve("media"));
    // one encoder thread, and a budget (5 s plus a ten-thousandth of the span) that a two-hour
    // recording cannot meet but a few seconds of one easily do
    workers =
        new EncodeWorkers(
            store,
            media,
            new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5)),
            1,
            new EncodeWorkers.Bounds(MARGIN, 0.0001, BUDGET_MIN),
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            new RecordingEvidence(
                new Sealer(
                    CertificateAuthority.create("test CA", Duration.ofDays(1)),
                    "default",
                    Clock.systemUTC()),
                media));
    RecordingEncoder.preload();
  }

  @AfterEach
  void close() throws Exception {
    workers.close();
    database.close();
  }

  @Test
  void aClaimOfHoursBecomesAVideoAsLongAsTheCallTheServerObserved() throws Exception {
    long now = System.currentTimeMillis();
    // a 10 s call; the client says it captured from six hours before to six hours after
    String id =
        recording(
            "call-1",
            now - 10_000,
            now,
            now - 10_000,
            now - 6 * HOUR,
            now + 6 * HOUR,
            new long[] {now - 6 * HOUR, now - 5_000, now + 6 * HOUR});
    workers.accept(id);
    Recording r = awaitDone(id);

    assertThat(r.status()).as(String.valueOf(r.failureReason())).isEqualTo(RecordingStatus.READY);
    long expected = 10_000 + 2 * MARGIN.toMillis();
    assertThat(r.videoDurationMs()).isBetween(expected - 400, expected + 400);
    assertThat(VideoProbe.probe(media.recordingDir(id).resolve("video.webm")).durationMs())
        .isBetween(expected - 400, expected + 400);
    assertThat(r.captureStartedAt())
        .as("the replay places the video where it was cut")
        .isEqualTo(now - 10_000 - MARGIN.toMillis());
    assertThat(store.layout(id))
        .contains(new VideoLayout(320, 240, 1, List.of(new ScreenLayout(0, 0, 0, 320, 240))));
  }

  @Test
  void aRecordingEncodedBeforeLayoutsWereStoredGetsTheLayoutOfItsVideoOnce() throws Exception {
    long now = System.currentTimeMillis();
    String id =
        recording(
            "call-1",
            now - 4_000,
            now,
            now - 4_000,
            now - 4_000,
            now,
            new long[] {now - 4_000, now});
    VideoLayouts layouts =
        new VideoLayouts(
            store, media, new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5)));
    assertThat(layouts.of(store.findRecording(id).orElseThrow())).as("not encoded yet").isEmpty();
    workers.accept(id);
    assertThat(awaitDone(id).status()).isEqualTo(RecordingStatus.READY);
    VideoLayout encoded = store.layout(id).orElseThrow();
    // what a server that did not store layouts left behind
    new Jdbc(database.dataSource())
        .update("DELETE FROM recording_layout WHERE recording_id = ?", id);

    Recording r = store.findRecording(id).orElseThrow();
    assertThat(layouts.of(r)).contains(encoded);
    assertThat(store.layout(id)).as("stored").contains(encoded);
    Files.delete(media.segmentPath(id, 0));
    assertThat(layouts.of(r)).as("read from the database, not the segments").contains(encoded);
  }

  @Test
  void aRecordingWithoutLayoutOrReadableSegmentHasNone() throws Exception {
    long now = System.currentTimeMillis();
    String id =
        recording(
            "call-1",
            now - 4_000,
            now,
            now - 4_000,
            now - 4_000,
            now,
            new long[] {now - 4_000, now});
    store.ready(id, "vp9", 1, 4_000, now - 4_000, now, now);
    Files.write(media.segmentPath(id, 0), new byte[] {1, 2, 3});
    VideoLayouts layouts =
        new VideoLayouts(
            store, media, new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5)));

    assertThat(layouts.of(store.findRecording(id).orElseThrow())).isEmpty();
    assertThat(store.layout(id)).isEmpty();
  }

  @Test
  void aRecordingLongerThanItsBudgetFailsAndOneQueuedBehindItIsEncodedSoonAfter() throws Exception {
    long now = System.currentTimeMillis();
    // a real two-hour call: 36,000 frames, far beyond 5 s of encoding
    String huge =
        recording(
            "call-long",
            now - 2 * HOUR,
            now,
            now - 2 * HOUR,
            now - 2 * HOUR,
            now,
            new long[] {now - 2 * HOUR, now - HOUR});
    String small =
        recording(
            "call-short",
            now - 4_000,
            now,
            now - 4_000,
            now - 4_000,
            now,
            new long[] {now - 4_000, now - 2_000});
    long queued = System.nanoTime();
    workers.accept(huge);
    workers.accept(small);

    Recording s = awaitDone(small);
    assertThat(s.status()).as(String.valueOf(s.failureReason())).isEqualTo(RecordingStatus.READY);
    assertThat(Duration.ofNanos(System.nanoTime() - queued))
        .as("at most the budget of the one in front and slack")
        .isLessThan(BUDGET_MIN.plusSeconds(45));
    Recording h = awaitDone(huge);
    assertThat(h.status()).isEqualTo(RecordingStatus.FAILED);
    assertThat(h.failureReason()).contains("longer than its budget");
    assertThat(store.uploadToken(huge, "a".repeat(64)).orElseThrow().revoked()).isTrue();
  }

  @Test
  void aShortRecordingPassesALongOneQueuedBeforeIt() throws Exception {
    long now = System.currentTimeMillis();
    String busy =
        recording(
            "call-busy",
            now - 2 * HOUR,
            now,
            now - 2 * HOUR,
            now - 2 * HOUR,
            now,
            new long[] {now - 2 * HOUR, now - HOUR});
    String longer =
        recording(
            "call-long",
            now - 2 * HOUR,
            now,
            now - 2 * HOUR,
            now - 2 * HOUR,
            now,
            new long[] {now - 2 * HOUR, now - HOUR});
    String small =
        recording(
            "call-short",
            now - 4_000,
            now,
            now - 4_000,
            now - 4_000,
            now,
            new long[] {now - 4_000, now - 2_000});
    workers.accept(busy);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> beingEncoded(busy));
    workers.accept(longer);
    workers.accept(small);

    Recording s = awaitDone(small);
    assertThat(s.status()).isEqualTo(RecordingStatus.READY);
    // the long one needs its whole 5 s budget once started: still ENCODING means it has not run yet
    assertThat(store.findRecording(longer).orElseThrow().status())
        .isEqualTo(RecordingStatus.ENCODING);
    assertThat(awaitDone(longer).status()).isEqualTo(RecordingStatus.FAILED);
  }

  /** True once a worker writes the recording's video (its temporary file exists). */
  private boolean beingEncoded(String id) {
    return Files.exists(media.recordingDir(id).resolve(".video.webm.part"));
  }

  /**
   * A recording of this cluster in ENCODING with one stored segment, as after its last upload.
   *
   * @param frameTimes capture times of the segment's frames (client clock = server clock here)
   */
  String recording(
      String callId,
      long callStart,
      long callEnd,
      long createdAt,
      long claimedFrom,
      long claimedTo,
      long[] frameTimes)
      throws Exception {
    store.insertCall(new Call(callId, "alice", callStart, null));
    store.endCall(callId, callEnd);
    String id = UUID.randomUUID().toString();
    store.insertRecording(
        id,
        callId,
        "alice",
        "desktop-1",
        "cluster-a",
        RecordingStatus.UPLOADING,
        "a".repeat(64),
        createdAt,
        null,
        null);
    store.captureEnded(id, claimedFrom, claimedTo, 1, callEnd);
    byte[] body = segment(id, frameTimes);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    try (LocalMediaStore.Received received =
        media.receiveSegment(
            id, 0, new ByteArrayInputStream(body), body.length, sha, p -> frameTimes[0])) {
      media.commitSegment(received, id, 0);
    }
    store.insertSegment(new Segment(id, 0, sha, body.length, "cluster-a", callEnd, frameTimes[0]));
    assertThat(
            store.transition(
                id, RecordingStatus.UPLOADING, RecordingStatus.ENCODING, null, callEnd))
        .isTrue();
    return id;
  }

  static byte[] segment(String id, long[] frameTimes) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] pixels = new int[320 * 240];
    try (SegmentWriter w =
        new SegmentWriter(
            bytes,
            new SegmentHeader(
                id, 0, frameTimes[0], List.of(new ScreenLayout(0, 0, 0, 320, 240))))) {
      for (int i = 0; i < frameTimes.length; i++) {
        Arrays.fill(pixels, i % 2 == 0 ? 0xFF0000 : 0x0000FF);
        w.writeFrame(0, frameTimes[i], pixels, false);
      }
      w.close(frameTimes[frameTimes.length - 1]);
    }
    return bytes.toByteArray();
  }

  Recording awaitDone(String id) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              RecordingStatus s = store.findRecording(id).orElseThrow().status();
              return s == RecordingStatus.READY || s == RecordingStatus.FAILED;
            });
    return store.findRecording(id).orElseThrow();
  }
}
