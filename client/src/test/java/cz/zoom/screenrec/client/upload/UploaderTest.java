package cz.zoom.screenrec.client.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.testing.FakeMus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploaderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private FakeMus mus;
  private Spool spool;
  private Uploader uploader;
  private final String id = UUID.randomUUID().toString();

  @BeforeEach
  void setUp() throws Exception {
    mus = new FakeMus();
    spool = new Spool(dir);
    // the poll is long: only the wake-up on spooling can explain a prompt upload
    uploader =
        new Uploader(
            spool,
            Duration.ofMinutes(5),
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            DesktopTls.plaintext());
    spool.create(new Manifest(id, "call-1", "alice", mus.uploadUrl() + "/", "tok", 0, null));
  }

  @AfterEach
  void tearDown() {
    uploader.close();
    mus.close();
  }

  private void spoolSegment(int index, boolean last) throws Exception {
    SegmentSink.Output out = spool.open(id, index);
    out.stream().write(("segment " + index).getBytes(StandardCharsets.UTF_8));
    out.commit(last);
  }

  @Test
  void retriesAfterUnavailableAndDeletesOnlyAfterTheServerStoredIt() throws Exception {
    mus.answerNext(503, 503);
    uploader.start();
    spoolSegment(0, false);
    await().atMost(WAIT).until(() -> mus.puts().size() >= 2);
    assertThat(mus.stored()).isEmpty();
    assertThat(spool.segmentFile(id, 0)).exists();

    await().atMost(WAIT).until(() -> mus.stored().size() == 1);
    await().atMost(WAIT).until(() -> !Files.exists(spool.segmentFile(id, 0)));
    FakeMus.Put put = mus.stored().get(0);
    assertThat(put.index()).isZero();
    assertThat(put.authorization()).isEqualTo("Bearer tok");
    assertThat(put.sha256())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest("segment 0".getBytes(StandardCharsets.UTF_8))));
    assertThat(put.finalHeader()).isNull();
    assertThat(spool.recordings()).containsExactly(id);
  }

  @Test
  void uploadsInIndexOrderAndClearsTheRecordingAfterTheFinalSegment() throws Exception {
    spoolSegment(0, false);
    spoolSegment(1, false);
    spoolSegment(2, true);
    uploader.start(); // resumes what an earlier run left in the spool
    await().atMost(WAIT).until(() -> spool.recordings().isEmpty());
    assertThat(mus.stored()).extracting(FakeMus.Put::index).containsExactly(0, 1, 2);
    assertThat(mus.stored()).extracting(FakeMus.Put::isFinal).containsExactly(false, false, true);
    assertThat(dir.resolve(id)).doesNotExist();
  }

  @Test
  void keepsARefusedSegmentAsideAndGoesOn() throws Exception {
    mus.answerNext(400);
    uploader.start();
    spoolSegment(0, false);
    spoolSegment(1, true);
    await().atMost(WAIT).until(() -> spool.recordings().isEmpty());
    assertThat(dir.resolve("rejected").resolve(id).resolve("0000000.seg")).hasContent("segment 0");
    assertThat(mus.stored()).extracting(FakeMus.Put::index).containsExactly(1);
  }

  @Test
  void aClosedRecordingAFullQuotaOrAConflictSetTheSegmentAsideAndNeverDeleteIt() throws Exception {
    mus.answerNext(410, 413, 409);
    uploader.start();
    spoolSegment(0, false);
    spoolSegment(1, false);
    spoolSegment(2, false);
    spoolSegment(3, true);
    await().atMost(WAIT).until(() -> spool.recordings().isEmpty());
    for (int i = 0; i < 3; i++) {
      assertThat(dir.resolve("rejected").resolve(id).resolve(String.format("%07d.seg", i)))
          .hasContent("segment " + i);
    }
    assertThat(mus.puts()).extracting(FakeMus.Put::index).containsExactly(0, 1, 2, 3);
    assertThat(mus.stored()).extracting(FakeMus.Put::index).containsExactly(3);
  }

  @Test
  void sendsLaterSegmentsWhereTheManifestNowPoints() throws Exception {
    try (FakeMus other = new FakeMus()) {
      mus.answerNext(503, 503, 503, 503, 503, 503);
      uploader.start();
      spoolSegment(0, false);
      await().atMost(WAIT).until(() -> !mus.puts().isEmpty());
      spool.updateUpload(id, other.uploadUrl(), "new-token");
      spoolSegment(1, true);
      await().atMost(WAIT).until(() -> spool.recordings().isEmpty());
      assertThat(other.stored()).extracting(FakeMus.Put::index).containsExactly(0, 1);
      assertThat(other.stored())
          .extracting(FakeMus.Put::authorization)
          .containsOnly("Bearer new-token");
    }
  }

  @Test
  void aRefusalFromTheOldTargetAfterAGrantSendsTheSegmentToTheNewOneInsteadOfSettingItAside()
      throws Exception {
    try (FakeMus other = new FakeMus()) {
      mus.answerAll(401); // the old cluster no longer takes this token
      // the race a grant can lose: the new target is written while the old PUT is on its way
      mus.beforeAnswer(
          put -> {
            try {
              spool.updateUpload(id, other.uploadUrl(), "granted");
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      uploader.start();
      spoolSegment(0, false);
      spoolSegment(1, true);
      await().atMost(WAIT).until(() -> other.stored().size() == 2);
      assertThat(other.stored())
          .extracting(FakeMus.Put::authorization)
          .containsOnly("Bearer granted");
      assertThat(dir.resolve("rejected")).doesNotExist();
    }
  }

  @Test
  void aNewTargetEndsTheBackoffAtOnce() throws Exception {
    uploader =
        new Uploader(
            spool,
            Duration.ofMinutes(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5),
            DesktopTls.plaintext());
    try (FakeMus other = new FakeMus()) {
      mus.answerAll(503);
      uploader.start();
      spoolSegment(0, true);
      await().atMost(WAIT).until(() -> !mus.puts().isEmpty());
      spool.updateUpload(
          id, other.uploadUrl(), "granted"); // without it, the next try would be in 5 minutes
      await().atMost(WAIT).until(() -> other.stored().size() == 1);
    }
  }
}
