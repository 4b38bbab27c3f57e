package cz.zoom.screenrec.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordingEncoderTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final int FPS = 5;
  private static final long FRAME_MS = 1000 / FPS;
  private static final int BLACK = 0x000000;
  private static final int RED = 0xFF0000;
  private static final int GREEN = 0x00FF00;
  private static final int BLUE = 0x0000FF;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(VideoCodec.class)
  void showsEachColourAtItsTimeWithEveryCodec(VideoCodec codec) throws IOException {
    List<Path> segments =
        TestSegments.solid(dir, 320, 240, T0, T0 + 6000, FPS, 2000, TestSegments::rgbThirds);

    EncodedVideo v =
        new RecordingEncoder(EncoderSettings.of(codec, FPS))
            .encode(segments, T0, T0 + 6000, dir.resolve("out"));

    assertThat(v.codec()).isEqualTo(codec);
    assertThat(v.video()).hasFileName("video." + codec.extension()).exists();
    assertThat(v.bytes()).isEqualTo(Files.size(v.video())).isPositive();
    assertThat(v.frames()).isEqualTo(30);
    assertThat(v.durationMs()).isEqualTo(6000);
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("video." + codec.extension(), "thumbnail.jpg");
    }

    VideoProbe.Info info = VideoProbe.probe(v.video());
    assertThat(info.width()).isEqualTo(320);
    assertThat(info.height()).isEqualTo(240);
    assertThat(info.frames()).isEqualTo(30);
    assertThat(info.durationMs()).isBetween(6000 - FRAME_MS, 6000 + FRAME_MS);
    assertThat(info.codecName())
        .isEqualTo(
            switch (codec) {
              case VP9_WEBM -> "vp9";
              case H264_MP4 -> "h264";
              case AV1_WEBM -> "av1";
            });
    assertThat(VideoProbe.verify(v.video())).isEqualTo(30);

    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertColour(probe, 0, RED);
      assertColour(probe, 1000, RED);
      assertColour(probe, 2000 - FRAME_MS, RED);
      assertColour(probe, 2000 + FRAME_MS, GREEN);
      assertColour(probe, 3000, GREEN);
      assertColour(probe, 4000 - FRAME_MS, GREEN);
      assertColour(probe, 4000 + FRAME_MS, BLUE);
      assertColour(probe, 5900, BLUE);
      // going back in time reopens the file
      assertColour(probe, 1000, RED);
    }

    BufferedImage thumb = ImageIO.read(v.thumbnail().toFile());
    assertThat(thumb).isNotNull();
    assertThat(thumb.getWidth()).isEqualTo(320);
    assertThat(thumb.getHeight()).isEqualTo(240);
    assertClose(thumb.getRGB(160, 120) & 0xFFFFFF, GREEN); // frame 15 of 30 is at 3 s
  }

  @Test
  void blackBeforeTheFirstFrameAndTheLastFrameHeldToTheEnd() throws IOException {
    List<Path> segments =
        TestSegments.solid(dir, 64, 48, T0 + 1000, T0 + 2000, FPS, 5000, t -> RED);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 4000, dir.resolve("out"));

    assertThat(v.frames()).isEqualTo(20);
    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertColour(probe, 0, BLACK);
      assertColour(probe, 1000 - FRAME_MS, BLACK);
      assertColour(probe, 1000, RED);
      assertColour(probe, 3800, RED);
    }
  }

  @Test
  void framesCapturedBeforeTheStartShowFromTheFirstTick() throws IOException {
    List<Path> segments =
        TestSegments.solid(dir, 64, 48, T0 - 3000, T0 - 2000, FPS, 5000, t -> BLUE);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 1000, dir.resolve("out"));

    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertColour(probe, 0, BLUE);
    }
  }

  @Test
  void aGapShowsDarkGreyForItsSpan() throws IOException {
    ScreenLayout screen = new ScreenLayout(0, 0, 0, 64, 48);
    Path seg = dir.resolve("gap.seg");
    try (OutputStream os = Files.newOutputStream(seg)) {
      SegmentWriter w = new SegmentWriter(os, new SegmentHeader("r", 0, T0, List.of(screen)));
      w.writeFrame(0, T0, solid(64, 48, RED), true);
      w.writeGap(T0 + 1000, T0 + 3000, GapReason.PAUSED);
      w.writeFrame(0, T0 + 3000, solid(64, 48, BLUE), true);
      w.close(T0 + 4000);
    }

    EncodedVideo v = vp9().encode(List.of(seg), T0, T0 + 4000, dir.resolve("out"));

    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertColour(probe, 1000 - FRAME_MS, RED);
      assertColour(probe, 1000 + FRAME_MS, RecordingEncoder.GAP_RGB);
      assertColour(probe, 3000 - FRAME_MS, RecordingEncoder.GAP_RGB);
      assertColour(probe, 3000 + FRAME_MS, BLUE);
    }
  }

  @Test
  void aTruncatedSegmentDecodesAsFarAsItIsValid() throws IOException {
    List<Path> segments =
        TestSegments.solid(dir, 64, 48, T0, T0 + 6000, FPS, 2000, TestSegments::rgbThirds);
    // keep the header and the first few frames of the green segment
    Path green = segments.get(1);
    byte[] whole = Files.readAllBytes(green);
    Files.write(green, Arrays.copyOf(whole, whole.length / 3));

    EncodedVideo v = vp9().encode(segments, T0, T0 + 6000, dir.resolve("out"));

    assertThat(v.frames()).isEqualTo(30);
    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertColour(probe, 1000, RED);
      assertColour(probe, 2000, GREEN);
      assertColour(probe, 3800, GREEN); // no newer frame: the last valid one stays
      assertColour(probe, 4000 + FRAME_MS, BLUE);
    }
  }

  @Test
  void aGarbageSegmentIsSkipped() throws IOException {
    List<Path> segments =
        TestSegments.solid(dir, 64, 48, T0, T0 + 6000, FPS, 2000, TestSegments::rgbThirds);
    byte[] junk = new byte[5000];
    new Random(42).nextBytes(junk);
    Files.write(segments.get(1), junk);
    List<Path> withMissing = new ArrayList<>(segments);
    withMissing.add(1, dir.resolve("does-not-exist.seg"));

    EncodedVideo v = vp9().encode(withMissing, T0, T0 + 6000, dir.resolve("out"));

    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertColour(probe, 1000, RED);
      assertColour(probe, 3000, RED);
      assertColour(probe, 5000, BLUE);
    }
  }

  @Test
  void aSegmentWithAValidHeaderAndAGarbageBodyStillEncodes() throws IOException {
    List<Path> segments = TestSegments.solid(dir, 64, 48, T0, T0 + 2000, FPS, 2000, t -> RED);
    byte[] whole = Files.readAllBytes(segments.get(0));
    byte[] junk = new byte[whole.length - 60];
    new Random(7).nextBytes(junk);
    System.arraycopy(junk, 0, whole, 60, junk.length);
    Files.write(segments.get(0), whole);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 2000, dir.resolve("out"));

    assertThat(v.frames()).isEqualTo(10);
    assertThat(VideoProbe.probe(v.video()).frames()).isEqualTo(10);
  }

  @Test
  void noReadableSegmentFailsWithAReason() throws IOException {
    Path junk = dir.resolve("junk.seg");
    Files.write(junk, new byte[] {1, 2, 3});

    assertThatThrownBy(() -> vp9().encode(List.of(junk), T0, T0 + 1000, dir.resolve("out")))
        .isInstanceOf(EncodingException.class)
        .hasMessage("none of the 1 segments is readable");
    assertThat(dir.resolve("out")).isEmptyDirectory();
  }

  @Test
  void noReadableSegmentHasNoLayout() throws IOException {
    Path junk = dir.resolve("junk.seg");
    Files.write(junk, new byte[] {1, 2, 3});

    assertThat(vp9().layout(List.of(junk, dir.resolve("does-not-exist.seg")))).isEmpty();
  }

  @Test
  void twoScreensSideBySide() throws IOException {
    List<ScreenLayout> screens =
        List.of(new ScreenLayout(0, 0, 0, 160, 120), new ScreenLayout(1, 160, 0, 160, 120));
    List<Path> segments =
        TestSegments.solid(dir, screens, T0, T0 + 2000, FPS, 2000, (id, t) -> id == 0 ? RED : BLUE);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 2000, dir.resolve("out"));

    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertThat(probe.width()).isEqualTo(320);
      assertThat(probe.height()).isEqualTo(120);
      assertClose(probe.meanRgbAt(1000, 60, 40, 40, 40), RED);
      assertClose(probe.meanRgbAt(1000, 220, 40, 40, 40), BLUE);
    }
  }

  @Test
  void screensAllReportedAtTheOriginArePlacedSideBySide() throws IOException {
    List<ScreenLayout> screens =
        List.of(new ScreenLayout(0, 0, 0, 96, 64), new ScreenLayout(1, 0, 0, 64, 64));
    List<Path> segments =
        TestSegments.solid(
            dir, screens, T0, T0 + 1000, FPS, 2000, (id, t) -> id == 0 ? GREEN : RED);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 1000, dir.resolve("out"));

    assertThat(v.layout())
        .isEqualTo(
            new VideoLayout(
                160,
                64,
                1,
                List.of(new ScreenLayout(0, 0, 0, 96, 64), new ScreenLayout(1, 96, 0, 64, 64))));
    assertThat(vp9().layout(segments)).contains(v.layout());
    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertThat(probe.width()).isEqualTo(160);
      assertClose(probe.meanRgbAt(0, 30, 20, 30, 20), GREEN);
      assertClose(probe.meanRgbAt(0, 115, 20, 30, 20), RED);
    }
  }

  @Test
  void oddScreenSizesArePaddedToEvenForYuv420p() throws IOException {
    List<Path> segments = TestSegments.solid(dir, 101, 77, T0, T0 + 1000, FPS, 2000, t -> RED);

    EncodedVideo v =
        new RecordingEncoder(EncoderSettings.of(VideoCodec.H264_MP4, FPS))
            .encode(segments, T0, T0 + 1000, dir.resolve("out"));

    VideoProbe.Info info = VideoProbe.probe(v.video());
    assertThat(info.width()).isEqualTo(102);
    assertThat(info.height()).isEqualTo(78);
  }

  @Test
  void wideLayoutsAreScaledDownByAWholeFactor() throws IOException {
    List<ScreenLayout> screens =
        List.of(new ScreenLayout(0, 0, 0, 200, 100), new ScreenLayout(1, 200, 0, 200, 100));
    List<Path> segments =
        TestSegments.solid(dir, screens, T0, T0 + 1000, FPS, 2000, (id, t) -> id == 0 ? RED : BLUE);
    EncoderSettings s = new EncoderSettings(VideoCodec.VP9_WEBM, FPS, 50, 1, 256, 256);

    EncodedVideo v = new RecordingEncoder(s).encode(segments, T0, T0 + 1000, dir.resolve("out"));

    // the screens stay in desktop pixels; the canvas is what the video's frames measure
    assertThat(v.layout()).isEqualTo(new VideoLayout(200, 50, 2, screens));
    try (VideoProbe probe = VideoProbe.open(v.video())) {
      assertThat(probe.width()).isEqualTo(200);
      assertThat(probe.height()).isEqualTo(50);
      assertClose(probe.meanRgbAt(0, 30, 10, 30, 30), RED);
      assertClose(probe.meanRgbAt(0, 130, 10, 30, 30), BLUE);
    }
  }

  @Test
  void durationIsRoundedToWholeFrames() throws IOException {
    List<Path> segments = TestSegments.solid(dir, 64, 48, T0, T0 + 1000, FPS, 2000, t -> RED);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 1290, dir.resolve("out"));

    assertThat(v.frames()).isEqualTo(6);
    assertThat(v.durationMs()).isEqualTo(1200);
  }

  @Test
  void reEncodingReplacesTheEarlierFiles() throws IOException {
    List<Path> segments = TestSegments.solid(dir, 64, 48, T0, T0 + 1000, FPS, 2000, t -> RED);
    Path out = dir.resolve("out");
    vp9().encode(segments, T0, T0 + 1000, out);

    EncodedVideo v = vp9().encode(segments, T0, T0 + 2000, out);

    assertThat(VideoProbe.probe(v.video()).frames()).isEqualTo(10);
  }

  @Test
  void refusesBadTimes() {
    assertThatThrownBy(() -> vp9().encode(List.of(), T0, T0, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endedAt (" + T0 + ") must be after startedAt (" + T0 + ")");
    assertThatThrownBy(
            () -> vp9().encode(List.of(), T0, T0 + RecordingEncoder.MAX_DURATION_MS + 1, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than the 86400000 ms");
  }

  private static RecordingEncoder vp9() {
    return new RecordingEncoder(EncoderSettings.of(VideoCodec.VP9_WEBM, FPS));
  }

  private static int[] solid(int w, int h, int rgb) {
    int[] px = new int[w * h];
    Arrays.fill(px, rgb);
    return px;
  }

  private static void assertColour(VideoProbe probe, long ms, int expected) throws IOException {
    int w = probe.width();
    int h = probe.height();
    int actual = probe.meanRgbAt(ms, w / 4, h / 4, w / 2, h / 2);
    assertThat(distance(actual, expected))
        .as("colour at %d ms is %06x, expected %06x", ms, actual, expected)
        .isLessThanOrEqualTo(40);
  }

  private static void assertClose(int actual, int expected) {
    assertThat(distance(actual, expected))
        .as("colour %06x, expected %06x", actual, expected)
        .isLessThanOrEqualTo(40);
  }

  private static int distance(int a, int b) {
    int d = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      d = Math.max(d, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
    }
    return d;
  }

  @Test
  void anEncodeThatOutrunsItsBudgetStopsAndKeepsNothing() throws IOException {
    // one short segment stretched over an hour: 18,000 frames, far more than a second's work
    List<Path> segments =
        TestSegments.solid(dir, 320, 240, T0, T0 + 2000, FPS, 2000, TestSegments::rgbThirds);
    long began = System.nanoTime();
    assertThatThrownBy(
            () ->
                vp9()
                    .encode(
                        segments, T0, T0 + 3_600_000, dir.resolve("out"), Duration.ofSeconds(1)))
        .isInstanceOf(EncodingException.class)
        .hasMessageContaining("longer than its budget of 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(30));
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertThat(files).as("no partial video or thumbnail").isEmpty();
    }

    EncodedVideo within =
        vp9().encode(segments, T0, T0 + 2000, dir.resolve("out"), Duration.ofMinutes(5));
    assertThat(within.frames()).isEqualTo(10);
  }
}
