package cz.zoom.screenrec.client.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.testing.FakeMus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads over a real socket held to the agent's budget, backlog included, with the recording being
 * captured first. Only lower bounds on time are asserted: a token bucket cannot be faster than its
 * rate, however the machine is loaded.
 */
class PacedUploadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private FakeMus mus;
  private Spool spool;
  private Uploader uploader;
  private final UploadBudget budget = new UploadBudget(400);

  @BeforeEach
  void setUp() throws Exception {
    mus = new FakeMus();
    spool = new Spool(dir);
    uploader =
        new Uploader(
            spool,
            Duration.ofMinutes(5),
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            DesktopTls.plaintext(),
            budget);
  }

  @AfterEach
  void tearDown() {
    uploader.close();
    mus.close();
  }

  private String recording() throws Exception {
    String id = UUID.randomUUID().toString();
    spool.create(new Manifest(id, "call-" + id, "alice", mus.uploadUrl(), "tok", 0, null));
    return id;
  }

  private byte[] spoolSegment(String id, int index, int bytes) throws Exception {
    byte[] body = new byte[bytes];
    new Random(index).nextBytes(body);
    SegmentSink.Output out = spool.open(id, index);
    out.stream().write(body);
    out.commit(false);
    return body;
  }

  @Test
  void uploadsGoNoFasterThanTheBudgetAndArriveWhole() throws Exception {
    String id = recording();
    byte[][] bodies = new byte[3][];
    for (int i = 0; i < 3; i++) {
      bodies[i] = spoolSegment(id, i, 100_000);
    }
    long t0 = System.nanoTime();
    uploader.start();
    await().atMost(WAIT).until(() -> mus.stored().size() == 3);
    double seconds = (System.nanoTime() - t0) / 1e9;
    // 300 kB at 97 % of 400 kbit/s (48.5 kB/s), a tenth of a second of burst: at least 6.0 s
    assertThat(seconds).isGreaterThanOrEqualTo(5.9);
    for (FakeMus.Put p : mus.stored()) {
      assertThat(p.body()).isEqualTo(bodies[p.index()]);
    }
  }

  @Test
  void theRecordingBeingCapturedGoesBeforeTheBacklog() throws Exception {
    String backlog = recording();
    for (int i = 0; i < 3; i++) {
      spoolSegment(backlog, i, 20_000);
    }
    String live = recording();
    spoolSegment(live, 0, 20_000);
    // the recorder opened the live recording's next segment: it is the one being captured
    spool.open(live, 1);
    uploader.start();
    await().atMost(WAIT).until(() -> mus.stored().size() == 4);
    List<String> order = mus.stored().stream().map(FakeMus.Put::recordingId).toList();
    assertThat(order.get(0)).isEqualTo(live);
    assertThat(order.subList(1, 4)).containsOnly(backlog);
  }

  @Test
  void aBudgetChangeTakesEffectForTheNextBytes() throws Exception {
    String id = recording();
    budget.kbps(0); // no budget: as fast as the socket goes
    spoolSegment(id, 0, 200_000);
    uploader.start();
    await().atMost(WAIT).until(() -> mus.stored().size() == 1);
    budget.kbps(200); // 25 kB/s
    long t0 = System.nanoTime();
    spoolSegment(id, 1, 60_000);
    uploader.wake();
    await().atMost(WAIT).until(() -> mus.stored().size() == 2);
    // 60 kB at 97 % of 25 kB/s, 2.4 kB of burst: at least 2.3 s
    assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(2.2);
  }
}
