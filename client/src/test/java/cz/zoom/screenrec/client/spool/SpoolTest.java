package cz.zoom.screenrec.client.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.protocol.ProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString();

  private Spool spoolWithRecording() throws Exception {
    Spool spool = new Spool(dir);
    spool.create(new Manifest(id, "call-1", "alice", "http://mus/v1", "secret", 1_000, null));
    return spool;
  }

  private static void writeSegment(SegmentSink.Output out, String id, int index, boolean complete)
      throws Exception {
    SegmentWriter w =
        new SegmentWriter(
            out.stream(),
            new SegmentHeader(id, index, 1_000, List.of(new ScreenLayout(0, 0, 0, 8, 8))));
    w.writeFrame(0, 1_000, new int[64], true);
    if (complete) {
      w.close(1_100);
    }
  }

  @Test
  void aSegmentIsInvisibleUntilCommittedAndTheFinalIndexComesWithTheLastOne() throws Exception {
    Spool spool = spoolWithRecording();
    AtomicInteger spooled = new AtomicInteger();
    spool.onSegmentSpooled(spooled::incrementAndGet);

    SegmentSink.Output out = spool.open(id, 0);
    writeSegment(out, id, 0, true);
    assertThat(spool.segments(id)).isEmpty();
    out.commit(false);
    assertThat(spool.segments(id)).containsExactly(0);
    assertThat(spool.manifest(id).orElseThrow().finalIndex()).isNull();

    SegmentSink.Output last = spool.open(id, 1);
    writeSegment(last, id, 1, true);
    last.commit(true);
    assertThat(spool.segments(id)).containsExactly(0, 1);
    assertThat(spool.manifest(id).orElseThrow().finalIndex()).isEqualTo(1);
    assertThat(spooled).hasValue(2);
    try (var files = Files.list(dir.resolve(id))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void keepsTheUploadTokenToTheOwner() throws Exception {
    spoolWithRecording();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(id).resolve("manifest.json"))))
        .isEqualTo("rw-------");
    assertThat(spoolWithRecording().manifest(id).orElseThrow().toString()).doesNotContain("secret");
  }

  @Test
  void recoversTheSegmentACrashCutOffAndMakesItFinal() throws Exception {
    Spool before = spoolWithRecording();
    SegmentSink.Output s0 = before.open(id, 0);
    writeSegment(s0, id, 0, true);
    s0.commit(false);
    writeSegment(before.open(id, 1), id, 1, true);
    // the client dies while writing segment 1: its trailer never reaches the disk
    Path tmp = dir.resolve(id).resolve("0000001.seg.tmp");
    byte[] whole = Files.readAllBytes(tmp);
    Files.write(tmp, java.util.Arrays.copyOf(whole, whole.length - 10));

    Spool after = new Spool(dir);
    after.recover();
    assertThat(after.segments(id)).containsExactly(0, 1);
    assertThat(after.manifest(id).orElseThrow().finalIndex()).isEqualTo(1);
  }

  @Test
  void dropsAnUnreadableLeftoverAndFinalisesWhatIsThere() throws Exception {
    Spool before = spoolWithRecording();
    SegmentSink.Output s0 = before.open(id, 0);
    writeSegment(s0, id, 0, true);
    s0.commit(false);
    Files.write(dir.resolve(id).resolve("0000001.seg.tmp"), new byte[] {1, 2, 3});

    Spool after = new Spool(dir);
    after.recover();
    assertThat(after.segments(id)).containsExactly(0);
    assertThat(after.manifest(id).orElseThrow().finalIndex()).isEqualTo(0);
    assertThat(dir.resolve(id).resolve("0000001.seg.tmp")).doesNotExist();
  }

  @Test
  void quarantinesRefusedSegmentsWithTheirManifest() throws Exception {
    Spool spool = spoolWithRecording();
    SegmentSink.Output s0 = spool.open(id, 0);
    writeSegment(s0, id, 0, true);
    s0.commit(false);
    Path kept = spool.quarantine(id, 0);
    assertThat(kept).isEqualTo(dir.resolve("rejected").resolve(id).resolve("0000000.seg")).exists();
    assertThat(dir.resolve("rejected").resolve(id).resolve("manifest.json")).exists();
    assertThat(spool.segments(id)).isEmpty();
    assertThat(spool.recordings()).containsExactly(id);
  }

  @Test
  void notesTheOriginClusterAndTheEndAndListsEndedRecordingsWithSegmentsLeft() throws Exception {
    Spool spool = new Spool(dir);
    spool.create(
        new Manifest(
            id, "call-1", "alice", "http://mus/v1", "secret", 1_000, null, "cluster-a", null));
    SegmentSink.Output s0 = spool.open(id, 0);
    writeSegment(s0, id, 0, true);
    s0.commit(false);
    assertThat(spool.endedWithSegmentsLeft()).isEmpty(); // still capturing

    SegmentSink.Output s1 = spool.open(id, 1);
    writeSegment(s1, id, 1, true);
    s1.commit(true);
    assertThat(spool.manifest(id).orElseThrow().endedAt()).isNotNull();
    spool.captureEnded(id, 5_000);
    Manifest ended = new Spool(dir).manifest(id).orElseThrow();
    assertThat(ended.originClusterId()).isEqualTo("cluster-a");
    assertThat(ended.endedAt()).isEqualTo(5_000L);
    assertThat(ended.finalIndex()).isEqualTo(1);
    assertThat(spool.endedWithSegmentsLeft()).extracting(Manifest::recordingId).containsExactly(id);

    spool.delete(id, 0);
    spool.delete(id, 1);
    assertThat(spool.endedWithSegmentsLeft()).isEmpty(); // all uploaded: nothing to offer
  }

  @Test
  void readsManifestsOfEarlierVersionsAndTellsTheUploaderOfANewTarget() throws Exception {
    Files.createDirectories(dir.resolve(id));
    Files.writeString(
        dir.resolve(id).resolve("manifest.json"),
        "{\"recordingId\":\""
            + id
            + "\",\"callId\":\"c-1\","
            + "\"agent\":\"alice\",\"uploadUrl\":\"http://old/mus/v1\",\"uploadToken\":\"t\",\"startedAt\":7,"
            + "\"finalIndex\":3}");
    Spool spool = new Spool(dir);
    Manifest m = spool.manifest(id).orElseThrow();
    assertThat(m.originClusterId()).isNull();
    assertThat(m.endedAt()).isNull();
    assertThat(m.finalIndex()).isEqualTo(3);

    List<String> retargeted = new java.util.concurrent.CopyOnWriteArrayList<>();
    spool.onUploadTargetChanged(retargeted::add);
    spool.updateUpload(id, "http://new/mus/v1", "granted");
    assertThat(retargeted).containsExactly(id);
    assertThat(spool.manifest(id).orElseThrow().uploadUrl()).isEqualTo("http://new/mus/v1");
    assertThat(spool.manifest(id).orElseThrow().finalIndex()).isEqualTo(3);
  }

  @Test
  void acceptsOnlyCanonicalRecordingIdsAsPathNames() throws Exception {
    Spool spool = new Spool(dir);
    assertThatThrownBy(() -> spool.create(new Manifest("../../etc", "c", "a", "u", "t", 0, null)))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> spool.open("..", 0)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void removalIsOneStepAndWhatACrashLeftOfItIsClearedAtStart() throws Exception {
    Spool spool = spoolWithRecording();
    spool.remove(id);
    assertThat(spool.recordings()).isEmpty();
    assertThat(dir.resolve(id)).doesNotExist();

    // a client killed in the middle of a removal left the renamed directory with files in it
    Path leftover = java.nio.file.Files.createDirectories(dir.resolve(".removed-" + id));
    java.nio.file.Files.writeString(leftover.resolve("0000000.seg"), "uploaded already");
    new Spool(dir).recover();
    assertThat(leftover).doesNotExist();
  }
}
