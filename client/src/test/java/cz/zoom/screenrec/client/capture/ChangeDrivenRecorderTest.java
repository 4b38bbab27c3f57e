package cz.zoom.screenrec.client.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recorder with a source that knows what changed, as XDamageScreenSource does. */
class ChangeDrivenRecorderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int W = 200;
  private static final int H = 100;
  private final DamageSource source = new DamageSource(W, H);
  private final MemorySink sink = new MemorySink();
  private final Recorder recorder = new Recorder(source, sink);

  @AfterEach
  void tearDown() {
    recorder.close();
  }

  @Test
  void anUnchangedScreenAddsNoFrameUntilTheSegmentEnds() throws Exception {
    recorder.start(
        new RecordingSpec("r1", "c"), new CaptureSettings(20, 1, 60_000, 60_000, List.of()));
    await().atMost(WAIT).until(() -> source.captures.get() >= 20);
    RecordingSummary summary = recorder.stop("r1", "test").get().orElseThrow();

    List<SegmentEvent> events = sink.events(0);
    List<SegmentEvent.Frame> frames = frames(events);
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).keyframe()).isTrue();
    SegmentEvent.End end = (SegmentEvent.End) events.get(events.size() - 1);
    // the one frame shows the screen for the whole recording: the trailer carries the end time
    assertThat(end.time()).isEqualTo(summary.endedAt()).isGreaterThan(frames.get(0).time());
  }

  @Test
  void onlyReportedChangesTravelAndTheDecodedPictureFollowsThem() throws Exception {
    recorder.start(
        new RecordingSpec("r2", "c"), new CaptureSettings(20, 1, 60_000, 60_000, List.of()));
    await().atMost(WAIT).until(() -> source.captures.get() >= 2);
    source.paint(0xFF0000, 10, 20, 30, 40);
    await().atMost(WAIT).until(() -> source.reported.get() >= 1);
    source.paint(0x00FF00, 150, 70, 50, 30);
    await().atMost(WAIT).until(() -> source.reported.get() >= 2);
    int before = source.captures.get();
    await().atMost(WAIT).until(() -> source.captures.get() >= before + 5);
    assertThat(recorder.stop("r2", "test").get()).isPresent();

    List<SegmentEvent.Frame> frames = frames(sink.events(0));
    assertThat(frames).hasSize(3);
    assertThat(frames.get(2).rgb()).isEqualTo(source.picture);
  }

  @Test
  void configureChangesScaleAndRateOfTheRunningRecording() throws Exception {
    recorder.start(
        new RecordingSpec("r3", "c"), new CaptureSettings(20, 1, 60_000, 60_000, List.of()));
    await().atMost(WAIT).until(() -> source.captures.get() >= 2);
    assertThat(recorder.configure(new CaptureSettings(20, 2, 60_000, 60_000, List.of())).join())
        .isEmpty();
    await().atMost(WAIT).until(() -> sink.committed.containsKey(0));
    // an id this desktop does not have: all monitors stay recorded, as docs/protocol.md says
    assertThat(recorder.configure(new CaptureSettings(20, 2, 60_000, 60_000, List.of(7))).join())
        .isEmpty();
    source.paint(0x0000FF, 0, 0, 64, 64);
    assertThat(recorder.configure(new CaptureSettings(10, 2, 60_000, 1_000, List.of())).join())
        .isEmpty();
    await().atMost(WAIT).until(() -> sink.committed.containsKey(1));
    assertThat(recorder.stop("r3", "test").get()).isPresent();

    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(sink.committed.get(1)))) {
      assertThat(r.header().screens()).containsExactly(new ScreenLayout(0, 0, 0, W / 2, H / 2));
      List<SegmentEvent.Frame> frames = frames(r.readAll());
      int[] last = frames.get(frames.size() - 1).rgb();
      // the scaled picture follows the changed area too
      int[] expected = new int[(W / 2) * (H / 2)];
      Downscaler.scale(source.picture, W, H, 2, expected);
      assertThat(last[0]).isEqualTo(0x0000FF);
      assertThat(last).isEqualTo(expected);
    }
  }

  @Test
  void configureWithoutARecordingChangesNothing() {
    assertThat(recorder.configure(new CaptureSettings(5, 1, 10_000, 5_000, List.of())).join())
        .isEmpty();
    assertThat(recorder.state()).isEqualTo(Recorder.State.IDLE);
  }

  private static List<SegmentEvent.Frame> frames(List<SegmentEvent> events) {
    return events.stream()
        .filter(e -> e instanceof SegmentEvent.Frame)
        .map(e -> (SegmentEvent.Frame) e)
        .toList();
  }

  /** One screen whose changes are reported once, like DAMAGE. */
  private static final class DamageSource implements ScreenSource {
    final int[] picture;
    private final int[] visible;
    private final int width;
    private final int height;
    private final List<int[]> damage = new ArrayList<>();
    private boolean first = true;
    final AtomicInteger captures = new AtomicInteger();
    final AtomicInteger reported = new AtomicInteger();

    DamageSource(int width, int height) {
      this.width = width;
      this.height = height;
      this.picture = new int[width * height];
      for (int i = 0; i < picture.length; i++) {
        picture[i] = (i * 2654435761L) % 7 == 0 ? 0x202020 : 0xFFFFFF;
      }
      this.visible = picture.clone();
    }

    synchronized void paint(int rgb, int x, int y, int w, int h) {
      for (int yy = y; yy < y + h; yy++) {
        Arrays.fill(picture, yy * width + x, yy * width + x + w, rgb);
      }
      damage.add(new int[] {x, y, w, h});
    }

    @Override
    public List<ScreenLayout> screens() {
      return List.of(new ScreenLayout(0, 0, 0, width, height));
    }

    @Override
    public ScreenImage grab(int screenId) {
      return capture(screenId).image();
    }

    @Override
    public synchronized ScreenCapture capture(int screenId) {
      captures.incrementAndGet();
      ScreenImage image = new ScreenImage(width, height, visible);
      if (first) {
        first = false;
        return new ScreenCapture(image, null);
      }
      if (damage.isEmpty()) {
        return new ScreenCapture(image, new int[0]);
      }
      int[] quads = new int[damage.size() * 4];
      for (int i = 0; i < damage.size(); i++) {
        int[] r = damage.get(i);
        System.arraycopy(r, 0, quads, 4 * i, 4);
        for (int yy = r[1]; yy < r[1] + r[3]; yy++) {
          System.arraycopy(picture, yy * width + r[0], visible, yy * width + r[0], r[2]);
        }
      }
      damage.clear();
      reported.incrementAndGet();
      return new ScreenCapture(image, quads);
    }
  }

  /** Segments in memory. */
  private static final class MemorySink implements SegmentSink {
    final Map<Integer, byte[]> committed = new ConcurrentHashMap<>();

    List<SegmentEvent> events(int index) throws IOException {
      try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(committed.get(index)))) {
        return r.readAll();
      }
    }

    @Override
    public Output open(String recordingId, int index) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      return new Output() {
        @Override
        public OutputStream stream() {
          return bytes;
        }

        @Override
        public void commit(boolean last) {
          committed.put(index, bytes.toByteArray());
        }

        @Override
        public void abort() {}
      };
    }
  }
}
