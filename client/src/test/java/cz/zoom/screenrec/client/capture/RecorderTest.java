package cz.zoom.screenrec.client.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.testing.PaintedScreenSource;
import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.ScreenLayout;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Faster than a server may ask for (its minimum is 1 s), to keep the test short. */
  private static final CaptureSettings QUICK = new CaptureSettings(20, 1, 250, 200, List.of());

  @TempDir Path dir;
  private Spool spool;
  private PaintedScreenSource screens;
  private Recorder recorder;
  private final String id = UUID.randomUUID().toString();

  @BeforeEach
  void setUp() throws Exception {
    spool = new Spool(dir);
    screens = PaintedScreenSource.twoScreens();
    recorder = new Recorder(screens, spool);
    spool.create(new Manifest(id, "call-1", "alice", "http://mus", "t", 0, null));
  }

  @AfterEach
  void tearDown() {
    recorder.close();
  }

  @Test
  void cutsSegmentsThatEachStartWithAKeyFrameOfEveryScreen() throws Exception {
    assertThat(recorder.start(new RecordingSpec(id, "call-1"), QUICK).join()).isEmpty();
    assertThat(recorder.state()).isEqualTo(Recorder.State.RECORDING);
    await().atMost(WAIT).until(() -> spool.segments(id).size() >= 3);
    // the index moves on just after the spool took the segment, on the capture thread
    await()
        .atMost(WAIT)
        .until(() -> recorder.active().map(a -> a.nextSegmentIndex() >= 3).orElse(false));

    RecordingSummary summary = recorder.stop(id, "test").get().orElseThrow();
    assertThat(recorder.state()).isEqualTo(Recorder.State.IDLE);
    assertThat(spool.segments(id)).hasSize(summary.segmentCount());
    assertThat(spool.manifest(id).orElseThrow().finalIndex()).isEqualTo(summary.segmentCount() - 1);
    for (int index : spool.segments(id)) {
      List<SegmentEvent> events = read(spool.segmentFile(id, index), index);
      List<SegmentEvent.Frame> frames =
          events.stream()
              .filter(e -> e instanceof SegmentEvent.Frame)
              .map(e -> (SegmentEvent.Frame) e)
              .toList();
      assertThat(frames.subList(0, 2))
          .allMatch(SegmentEvent.Frame::keyframe)
          .extracting(SegmentEvent.Frame::screenId)
          .containsExactlyInAnyOrder(0, 1);
    }
  }

  @Test
  void forcesKeyFramesAtTheKeyframeInterval() throws Exception {
    CaptureSettings longSegments = new CaptureSettings(20, 1, 200, 5_000, List.of());
    recorder.start(new RecordingSpec(id, "call-1"), longSegments);
    await().atMost(WAIT).until(() -> screens.grabs() >= 30);
    assertThat(recorder.stop(id, "test").get()).isPresent();
    List<SegmentEvent.Frame> screen0 =
        read(spool.segmentFile(id, 0), 0).stream()
            .filter(e -> e instanceof SegmentEvent.Frame f && f.screenId() == 0)
            .map(e -> (SegmentEvent.Frame) e)
            .toList();
    List<Long> keyTimes =
        screen0.stream()
            .filter(SegmentEvent.Frame::keyframe)
            .map(SegmentEvent.Frame::time)
            .toList();
    assertThat(keyTimes.size()).isGreaterThanOrEqualTo(2);
    assertThat(screen0.stream().filter(f -> !f.keyframe()).count()).isPositive();
    for (int i = 1; i < keyTimes.size(); i++) {
      assertThat(keyTimes.get(i) - keyTimes.get(i - 1)).isGreaterThanOrEqualTo(200);
    }
  }

  @Test
  void halvesThePictureWithScaleDivisorTwo() throws Exception {
    screens.paint(0x204060);
    recorder.start(
        new RecordingSpec(id, "call-1"), new CaptureSettings(10, 2, 1_000, 1_000, List.of()));
    assertThat(recorder.stop(id, "test").get()).isPresent();
    try (InputStream in = Files.newInputStream(spool.segmentFile(id, 0));
        SegmentReader r = new SegmentReader(in)) {
      assertThat(r.header().screens())
          .containsExactly(new ScreenLayout(0, 0, 0, 65, 35), new ScreenLayout(1, 65, 0, 33, 20));
      SegmentEvent.Frame f = (SegmentEvent.Frame) r.next();
      assertThat(f.width() * f.height()).isEqualTo(f.screenId() == 0 ? 65 * 35 : 33 * 20);
      assertThat(f.rgb()).containsOnly(0x204060);
    }
  }

  @Test
  void recordsAGapWhenCaptureFailsAndGoesOnWhenItWorksAgain() throws Exception {
    screens.failing(true);
    recorder.start(new RecordingSpec(id, "call-1"), QUICK);
    await().atMost(WAIT).until(() -> screens.grabs() >= 6);
    screens.failing(false);
    int before = screens.grabs();
    await().atMost(WAIT).until(() -> screens.grabs() >= before + 6);
    assertThat(recorder.stop(id, "test").get()).isPresent();
    List<SegmentEvent> all = new ArrayList<>();
    for (int index : spool.segments(id)) {
      all.addAll(read(spool.segmentFile(id, index), index));
    }
    assertThat(all)
        .anyMatch(e -> e instanceof SegmentEvent.Gap g && g.reason() == GapReason.CAPTURE_FAILED);
    assertThat(all).anyMatch(e -> e instanceof SegmentEvent.Frame);
  }

  @Test
  void refusesASecondStartAndIgnoresStopsOfOtherRecordings() throws Exception {
    recorder.start(new RecordingSpec(id, "call-1"), QUICK);
    assertThat(recorder.start(new RecordingSpec(UUID.randomUUID().toString(), "c"), QUICK).join())
        .hasValueSatisfying(why -> assertThat(why).contains("already recording " + id));
    assertThat(recorder.stop(UUID.randomUUID().toString(), "x").join()).isEmpty();
    var first = recorder.stop(id, "one");
    assertThat(recorder.stop(id, "two")).isSameAs(first);
    assertThat(first.get()).isPresent();
    assertThat(recorder.stop(id, "three").join()).isEmpty();
  }

  @Test
  void closingMidSegmentClosesItsFileAndLeavesItToTheSpoolsRecovery() throws Exception {
    recorder.start(
        new RecordingSpec(id, "call-1"), new CaptureSettings(20, 1, 1_000, 60_000, List.of()));
    Path open = dir.resolve(id).resolve("0000000.seg.tmp");
    await().atMost(WAIT).until(() -> Files.exists(open) && screens.grabs() >= 6);
    recorder.close();
    assertThat(openFiles()).doesNotContain(open.toRealPath());
    assertThat(open).as("neither committed nor dropped").exists();
    // as after a crash: what of it reached the disk is kept if its header did, else it goes
    new Spool(dir).recover();
    assertThat(open).doesNotExist();
  }

  /** What this process has open (Linux). */
  private static List<Path> openFiles() throws Exception {
    List<Path> files = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          files.add(Files.readSymbolicLink(fd));
        } catch (java.io.IOException e) {
          // closed while listed
        }
      }
    }
    return files;
  }

  @Test
  void refusesToStartWithoutScreens() {
    Recorder blind = new Recorder(new PaintedScreenSource(), spool);
    try {
      assertThat(blind.start(new RecordingSpec(id, "c"), QUICK).join())
          .contains("no screen to capture");
      assertThat(blind.state()).isEqualTo(Recorder.State.IDLE);
    } finally {
      blind.close();
    }
  }

  private List<SegmentEvent> read(Path file, int index) throws Exception {
    try (InputStream in = Files.newInputStream(file);
        SegmentReader r = new SegmentReader(in)) {
      assertThat(r.header().segmentIndex()).isEqualTo(index);
      List<SegmentEvent> events = r.readAll();
      assertThat(events).last().isInstanceOf(SegmentEvent.End.class);
      return events;
    }
  }
}
