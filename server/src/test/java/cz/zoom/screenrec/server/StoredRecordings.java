package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.server.recording.Call;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.Database;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A real H2 database and media store holding recordings as the uploads leave them, for the workers
 * that take them from there (the READY check, the encoders).
 */
public final class StoredRecordings implements AutoCloseable {
  public final Database database;
  public final RecordingStore store;
  public final LocalMediaStore media;

  public StoredRecordings(Path dir) throws IOException {
    database =
        new Database(
            "jdbc:h2:file:" + dir.resolve("db").resolve("screenrec") + ";DB_CLOSE_ON_EXIT=FALSE",
            "sa",
            "",
            10);
    store = new RecordingStore(new Jdbc(database.dataSource()));
    media = new LocalMediaStore(dir.resolve("media"));
  }

  /**
   * A recording of this cluster in ENCODING with one stored segment, as after its last upload.
   *
   * @param frameTimes capture times of the segment's frames (client clock = server clock here)
   */
  public String recording(
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

  /** {@link #recording} made READY as the check leaves it, playing from the claimed times. */
  public String readyRecording(String callId, long from, long to, long[] frameTimes)
      throws Exception {
    String id = recording(callId, from, to, from, from, to, frameTimes);
    store.ready(id, to - from, from, to, to);
    return id;
  }

  /** One 320x240 segment whose frames alternate red and blue. */
  public static byte[] segment(String id, long[] frameTimes) throws Exception {
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

  /** The recording once it leaves ENCODING (READY or FAILED). */
  public Recording awaitChecked(String id) {
    Set<RecordingStatus> done = Set.of(RecordingStatus.READY, RecordingStatus.FAILED);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> done.contains(store.findRecording(id).orElseThrow().status()));
    return store.findRecording(id).orElseThrow();
  }

  @Override
  public void close() {
    database.close();
  }
}
