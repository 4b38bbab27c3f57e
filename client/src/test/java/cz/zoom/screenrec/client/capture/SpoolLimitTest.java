package cz.zoom.screenrec.client.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.spool.SpoolLimits;
import cz.zoom.screenrec.client.testing.PaintedScreenSource;
import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool at its limit mid-call: capture pauses with a DISK_FULL gap, everything captured before
 * stays in the spool, and capture resumes (after the gap, with key frames) once there is room.
 */
class SpoolLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final CaptureSettings QUICK = new CaptureSettings(20, 1, 250, 200, List.of());

  @TempDir Path dir;
  private Recorder recorder;

  @AfterEach
  void tearDown() {
    if (recorder != null) {
      recorder.close();
    }
  }

  @Test
  void aFullSpoolPausesCaptureWithAGapAndLosesNothing() throws Exception {
    Spool spool = new Spool(dir, SpoolLimits.of(1, 0));
    PaintedScreenSource screens = PaintedScreenSource.twoScreens();
    recorder = new Recorder(screens, spool);
    String id = UUID.randomUUID().toString();
    spool.create(new Manifest(id, "call-1", "alice", "http://mus", "t", 0, null));
    assertThat(recorder.start(new RecordingSpec(id, "call-1"), QUICK).join()).isEmpty();
    await().atMost(WAIT).until(() -> spool.segments(id).size() >= 2);

    // a backlog (here: any file in the spool) fills it past its 1 MiB
    Path filler = dir.resolve("backlog.bin");
    Files.write(filler, new byte[1_200_000]);
    await().atMost(WAIT).until(() -> !spool.hasRoom());
    long fullAt = System.currentTimeMillis();
    screens.paint(0x00FF00);
    // stays full for a while: nothing may be captured meanwhile
    await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> !spool.hasRoom());
    int whileFull = spool.segments(id).size();

    Files.delete(filler);
    await().atMost(WAIT).until(spool::hasRoom);
    await().atMost(WAIT).until(() -> spool.segments(id).size() > whileFull + 1);
    RecordingSummary summary = recorder.stop(id, "test").get().orElseThrow();

    List<Integer> indices = spool.segments(id);
    assertThat(indices).hasSize(summary.segmentCount());
    List<SegmentEvent.Gap> gaps = new ArrayList<>();
    List<Long> frameTimes = new ArrayList<>();
    long lastFrameBeforeGap = Long.MIN_VALUE;
    for (int index : indices) {
      assertThat(index).isEqualTo(indices.indexOf(index));
      try (InputStream in = Files.newInputStream(spool.segmentFile(id, index));
          SegmentReader r = new SegmentReader(in)) {
        List<SegmentEvent> events = r.readAll();
        assertThat(events).last().isInstanceOf(SegmentEvent.End.class);
        for (SegmentEvent e : events) {
          if (e instanceof SegmentEvent.Gap g && g.reason() == GapReason.DISK_FULL) {
            gaps.add(g);
          } else if (e instanceof SegmentEvent.Frame f) {
            frameTimes.add(f.time());
            if (gaps.isEmpty()) {
              lastFrameBeforeGap = Math.max(lastFrameBeforeGap, f.time());
            }
          }
        }
      }
    }
    assertThat(gaps).hasSize(1);
    SegmentEvent.Gap gap = gaps.get(0);
    assertThat(gap.time()).isGreaterThanOrEqualTo(lastFrameBeforeGap);
    assertThat(gap.time()).isLessThanOrEqualTo(fullAt + 1000);
    assertThat(gap.until() - gap.time()).isGreaterThanOrEqualTo(1500);
    assertThat(frameTimes).noneMatch(t -> t > gap.time() && t < gap.until());
    // the green painted while full shows after the gap: capture went on where it stopped
    assertThat(frameTimes).anyMatch(t -> t >= gap.until());
  }
}
