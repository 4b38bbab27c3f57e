package cz.zoom.screenrec.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import cz.zoom.screenrec.encode.EncoderSettings;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.server.StoredRecordings;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thumbnail request must never wait for the pass that makes a recording's thumbnails: the pass
 * takes half a minute for a long call, and each waiting request held one of the browser's six
 * connections to the server, so the next opening of the call page waited for the pass.
 */
class ThumbnailsTest {
  static final RecordingEncoder ENCODER =
      new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, 5));

  @TempDir Path root;
  final CountDownLatch passMayRun = new CountDownLatch(1);
  final AtomicInteger refused = new AtomicInteger();
  final ThreadPoolExecutor maker =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          (task, executor) -> refused.incrementAndGet());

  StoredRecordings stored;

  @AfterEach
  void stop() {
    passMayRun.countDown();
    maker.shutdownNow();
    if (stored != null) {
      stored.close();
    }
  }

  static Recording recording(long durationMs) {
    return new Recording(
        UUID.randomUUID().toString(),
        "call-1",
        "alice",
        "desktop-1",
        "default",
        RecordingStatus.READY,
        null,
        0L,
        0L,
        durationMs,
        0,
        1,
        false,
        "default",
        "vp9",
        1L,
        durationMs);
  }

  @Test
  void requestsDoNotWaitForThePassAndStartItOnce() throws Exception {
    stored = new StoredRecordings(root);
    LocalMediaStore media = stored.media;
    Thumbnails thumbnails = new Thumbnails(stored.store, media, ENCODER, maker);
    // the maker's thread is busy, as it is during a long pass
    maker.execute(
        () -> {
          try {
            passMayRun.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Recording r = recording(1_800_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (int i = 0; i < 12; i++) {
            assertThat(thumbnails.thumbnail(r, i * Thumbnails.STEP_MS))
                .isInstanceOf(Thumbnails.Result.Pending.class);
          }
        });
    assertThat(maker.getQueue()).as("one pass queued for all the requests").hasSize(1);

    // what the pass has written already is served while it goes on
    Path made = media.recordingDir(r.id()).resolve("thumbs").resolve("0.jpg");
    Files.createDirectories(made.getParent());
    Files.write(made, new byte[] {1});
    assertThat(thumbnails.thumbnail(r, 0)).isEqualTo(new Thumbnails.Result.Ready(made));
    assertThat(thumbnails.thumbnail(r, 5_000)).isInstanceOf(Thumbnails.Result.None.class);
    assertThat(thumbnails.thumbnail(r, 1_800_000)).isInstanceOf(Thumbnails.Result.None.class);
  }

  @Test
  void aFailedPassIsNotStartedAgainAtOnce() throws Exception {
    stored = new StoredRecordings(root);
    Thumbnails thumbnails = new Thumbnails(stored.store, stored.media, ENCODER, maker);
    Recording r = recording(60_000);
    // the recording has no segment: the pass fails
    assertThat(thumbnails.thumbnail(r, 10_000)).isInstanceOf(Thumbnails.Result.Pending.class);
    maker.shutdown();
    assertThat(maker.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(maker.getCompletedTaskCount()).isEqualTo(1);
    // the executor is shut down: a new pass would be counted as refused
    assertThat(thumbnails.thumbnail(r, 10_000)).isInstanceOf(Thumbnails.Result.Pending.class);
    assertThat(refused).hasValue(0);
  }

  @Test
  void thumbnailsAndThePosterAreCutFromTheSegmentsWithoutAVideo() throws Exception {
    stored = new StoredRecordings(root);
    Thumbnails thumbnails = new Thumbnails(stored.store, stored.media, ENCODER, maker);
    long t0 = System.currentTimeMillis() - 30_000;
    // red from the start, blue from 15 s on
    String id = stored.readyRecording("call-1", t0, t0 + 30_000, new long[] {t0, t0 + 15_000});
    Recording r = stored.store.findRecording(id).orElseThrow();

    assertThat(thumbnails.thumbnail(r, 0)).isInstanceOf(Thumbnails.Result.Pending.class);
    maker.shutdown();
    assertThat(maker.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    assertThat(rgbOf(thumbnails.thumbnail(r, 0))).isEqualTo(0xFF0000);
    assertThat(rgbOf(thumbnails.thumbnail(r, 10_000))).isEqualTo(0xFF0000);
    assertThat(rgbOf(thumbnails.thumbnail(r, 20_000))).isEqualTo(0x0000FF);
    Thumbnails.Result poster = thumbnails.poster(r);
    assertThat(rgbOf(poster)).as("the middle, 10 s").isEqualTo(0xFF0000);
    BufferedImage big = ImageIO.read(((Thumbnails.Result.Ready) poster).file().toFile());
    assertThat(big.getWidth()).isEqualTo(RecordingEncoder.THUMBNAIL_WIDTH);
    assertThat(Files.exists(stored.media.recordingDir(id).resolve("video.webm")))
        .as("no video was encoded")
        .isFalse();
  }

  /** The colour in the middle of a JPEG thumbnail, rounded to its dominant channel. */
  private static int rgbOf(Thumbnails.Result result) throws Exception {
    assertThat(result).isInstanceOf(Thumbnails.Result.Ready.class);
    BufferedImage img = ImageIO.read(((Thumbnails.Result.Ready) result).file().toFile());
    int rgb = img.getRGB(img.getWidth() / 2, img.getHeight() / 2);
    int out = 0;
    for (int shift : new int[] {16, 8, 0}) {
      out |= (((rgb >> shift) & 0xFF) > 128 ? 0xFF : 0) << shift;
    }
    return out;
  }
}
