package cz.zoom.screenrec.systemtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.RegionCodec;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.format.VideoRegions;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.SyntheticScreen;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replay page's player of the capture format on Debian's Chromium, against a real server: the
 * segments an agent uploaded are decoded in the page's worker and drawn on its canvas. A text
 * screen is shown to the exact pixel that was captured, at instants on both sides of a segment
 * boundary and of a failover gap, by seeking and by playing across them; a version-3 recording with
 * a video region plays; a damaged segment becomes an error gap and the rest of the call plays.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CapturePlayerTest {
  static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
  static final int W = 640;
  static final int H = 384;
  static final long SEGMENT_MS = 2_000;
  static final long DURATION_MS = 6_000;
  static final long FRAME_MS = 250;
  static final int GAP_GREY = 0x303030;

  /** The failover gap in the text recording: the client was moving to the other cluster. */
  static final long GAP_FROM = 3_000;

  static final long GAP_TO = 3_500;

  static final SyntheticScreen SCREEN = new SyntheticScreen(W, H, 150, 90, 300, 200);

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();
  @RegisterExtension static final Browsers browsers = new Browsers();

  static ServerProcess server;
  static Captured text;
  static Captured video;
  static Captured damaged;
  static Captured flood;

  /** What a recording's screen showed: each frame from its offset (ms from the start) on. */
  record Frame(long offsetMs, int[] rgb) {}

  static final class Captured {
    final List<Frame> frames = new ArrayList<>();
    SyntheticAgent.Recorded call;

    /** The picture the screen showed at {@code offsetMs}. */
    int[] at(long offsetMs) {
      int[] shown = null;
      for (Frame f : frames) {
        if (f.offsetMs() <= offsetMs) {
          shown = f.rgb();
        }
      }
      return shown;
    }
  }

  @BeforeAll
  static void recordTheCalls() throws Exception {
    server = processes.add(ServerProcess.builder().arg("--admin-password", ADMIN_PASSWORD).start());
    List<ScreenLayout> monitor = List.of(new ScreenLayout(0, 0, 0, W, H));
    text = new Captured();
    video = new Captured();
    damaged = new Captured();
    flood = new Captured();
    try (SyntheticAgent tom = SyntheticAgent.connect(server, "tom", monitor, 0)) {
      text.call = record(tom, (id, t0) -> textSegments(id, t0, text, true));
      video.call = record(tom, (id, t0) -> videoSegments(id, t0, video));
      damaged.call =
          record(
              tom,
              (id, t0) -> {
                List<byte[]> s = textSegments(id, t0, damaged, false);
                byte[] middle = s.get(1);
                middle[middle.length * 2 / 3] ^= 0x5A;
                return s;
              });
      flood.call = record(tom, (id, t0) -> floodSegments(id, t0, flood));
    }
  }

  static SyntheticAgent.Recorded record(SyntheticAgent agent, SyntheticAgent.Segments segments)
      throws Exception {
    return agent.record(
        server.api(),
        "call-" + UUID.randomUUID(),
        DURATION_MS,
        segments,
        false,
        Duration.ofMinutes(1));
  }

  @Test
  void aTextScreenIsShownPixelForPixelAcrossSegmentsAndAFailoverGap() {
    Browser b = open(text);
    // seeks: into the first segment, either side of the boundary at 2 s, either side of the gap,
    // inside it, the last segment, and back to the start
    for (long at : new long[] {300, 1_990, 2_010, 2_900, 3_600, 5_100, 100}) {
      assertShows(b, text, at, seek(b, text, at));
    }
    Map<String, Object> inGap = seek(b, text, 3_200);
    assertThat(pixels(inGap)).as("grey while nothing was captured").containsOnly(GAP_GREY);
    b.until(
        "the failover overlay",
        d -> "FAILOVER".equals(b.find("#overlay").getAttribute("data-reason")));

    // and playing across the boundary and the gap, paused on the far side
    seek(b, text, 1_500);
    b.js("window.replay.play()");
    b.until(
        "playback past the gap",
        d ->
            ((Number) b.js("return window.replay.timelineMs()")).longValue()
                >= text.call.startedAt() + 3_800);
    b.js("window.replay.pause()");
    double paused = ((Number) b.js("return window.replay.timelineMs()")).doubleValue();
    Map<String, Object> shown =
        b.until(
            "the paused picture",
            d ->
                b.js(
                    "const p = window.replay.screenPixels();"
                        + " return p && Math.abs(p.shownT - arguments[0]) < 0.01 ? p : null",
                    paused));
    assertShows(b, text, (long) Math.floor(paused - text.call.startedAt()), shown);
    assertThat(((Number) metrics(b).get("framesShown")).intValue())
        .as("pictures drawn while playing 2.3 s at 4 per second")
        .isGreaterThanOrEqualTo(6);
    assertThat(b.find("#page-error").isDisplayed()).isFalse();
  }

  @Test
  void aRecordingWithAVideoRegionPlaysAtTwiceTheSpeed() {
    Browser b = open(video);
    seek(b, video, 0);
    b.js("window.replay.setRate(2); window.replay.play()");
    b.until(
        "playback to the end",
        Duration.ofSeconds(30),
        d -> !Boolean.TRUE.equals(b.js("return window.replay.playing")));
    Map<String, Object> m = metrics(b);
    assertThat(((Number) m.get("framesShown")).intValue())
        .as("the 60 pictures of 6 s at 10 per second, shown in 3 s: %s", m)
        .isGreaterThanOrEqualTo(45);

    long at = 2_650;
    int[] want = video.at(at);
    int[] got = pixels(seek(b, video, at));
    double se = 0;
    long inside = 0;
    int[] region = {128, 64, 512, 320};
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int i = y * W + x;
        boolean lossy = x >= region[0] && x < region[2] && y >= region[1] && y < region[3];
        if (!lossy) {
          assertThat(got[i]).as("pixel %d,%d outside the video region", x, y).isEqualTo(want[i]);
          continue;
        }
        for (int c = 16; c >= 0; c -= 8) {
          int d = ((want[i] >> c) & 0xFF) - ((got[i] >> c) & 0xFF);
          se += d * d;
          inside++;
        }
      }
    }
    double psnr = se == 0 ? 99 : 10 * Math.log10(255.0 * 255 * inside / se);
    assertThat(psnr).as("PSNR of the video region").isGreaterThan(30);
  }

  @Test
  void aDamagedSegmentIsAnErrorGapAndTheRestOfTheCallPlays() throws Exception {
    Browser b = open(damaged);
    long broken = truncationOffset(damaged);
    assertThat(broken).as("the damage is inside the middle segment").isBetween(2_000L, 3_900L);
    // the player finds the damage when it decodes that segment
    seek(b, damaged, 2_000);
    b.until(
        "the damaged stretch on the screen lane", d -> !b.findAll(".seg.gap-damaged").isEmpty());
    long inside = (broken + 2 * SEGMENT_MS) / 2;
    assertThat(pixels(seek(b, damaged, inside))).containsOnly(GAP_GREY);
    b.until(
        "the error overlay", d -> "DAMAGED".equals(b.find("#overlay").getAttribute("data-reason")));
    assertThat(b.find("#overlay-title").getText()).isEqualTo("Screen recording damaged");
    assertShows(b, damaged, 4_500, seek(b, damaged, 4_500));
    assertShows(b, damaged, 1_000, seek(b, damaged, 1_000));
    assertThat(b.find("#page-error").isDisplayed()).isFalse();
  }

  @Test
  void aSegmentFloodingFramesAndGapsNeitherFloodsThePageNorHidesTheRest() {
    Browser b = open(flood);
    // the newest of the pictures stated for one instant wins, and a clock going back moves nothing
    // back on the page
    assertShows(b, flood, 700, seek(b, flood, 700));
    seek(b, flood, 0);
    b.js("window.replay.play()");
    b.until(
        "playback past the flooded instant",
        d ->
            ((Number) b.js("return window.replay.timelineMs()")).longValue()
                >= flood.call.startedAt() + 1_500);
    b.js("window.replay.pause()");
    Map<String, Object> m = metrics(b);
    assertThat(
            ((Number) m.get("framesShown")).intValue()
                + ((Number) m.get("droppedFrames")).intValue())
        .as("pictures that reached the page from %d stated for 1.5 s: %s", FLOOD_FRAMES, m)
        .isLessThan(50);
    assertShows(b, flood, 1_500, seek(b, flood, 1_500));

    // a segment stating hundreds of gaps is damaged past the first few dozen
    seek(b, flood, 2_500);
    b.until(
        "the damaged stretch on the screen lane", d -> !b.findAll(".seg.gap-damaged").isEmpty());
    assertThat(pixels(seek(b, flood, 3_000))).containsOnly(GAP_GREY);
    assertThat(b.findAll(".seg[class*=gap-]").size()).as("gaps drawn on the lane").isLessThan(100);
    assertShows(b, flood, 4_500, seek(b, flood, 4_500));
    assertThat(b.find("#page-error").isDisplayed()).isFalse();
  }

  // --- the page ---------------------------------------------------------------------------------

  Browser open(Captured c) {
    Browser b = browsers.start(server.httpUri());
    ReplayUi.login(b, "admin", ADMIN_PASSWORD);
    b.open("/replay/calls/" + c.call.callId());
    ReplayUi.awaitCallPage(b, c.call.callId());
    return b;
  }

  /** Seeks to {@code offsetMs} into the recording; the picture once the page shows that instant. */
  static Map<String, Object> seek(Browser b, Captured c, long offsetMs) {
    long t = c.call.startedAt() + offsetMs;
    b.js("window.replay.seek(arguments[0])", t);
    return b.until(
        "the picture at " + offsetMs + " ms",
        d ->
            b.js(
                "const p = window.replay.screenPixels();"
                    + " return p && p.shownT === arguments[0] ? p : null",
                t));
  }

  static Map<String, Object> metrics(Browser b) {
    return b.js("return window.replay.metrics");
  }

  static int[] pixels(Map<String, Object> shown) {
    assertThat(((Number) shown.get("width")).intValue()).isEqualTo(W);
    assertThat(((Number) shown.get("height")).intValue()).isEqualTo(H);
    byte[] rgb = Base64.getDecoder().decode((String) shown.get("rgb"));
    int[] px = new int[W * H];
    for (int i = 0; i < px.length; i++) {
      px[i] = (rgb[3 * i] & 0xFF) << 16 | (rgb[3 * i + 1] & 0xFF) << 8 | (rgb[3 * i + 2] & 0xFF);
    }
    return px;
  }

  static void assertShows(Browser b, Captured c, long offsetMs, Map<String, Object> shown) {
    int[] want = c.at(offsetMs);
    int[] got = pixels(shown);
    int wrong = 0;
    int first = -1;
    for (int i = 0; i < want.length; i++) {
      if (want[i] != got[i]) {
        wrong++;
        first = first < 0 ? i : first;
      }
    }
    assertThat(wrong)
        .as(
            "pixels unlike the capture at %d ms (first at %d,%d: %06x, captured %06x; %s)",
            offsetMs,
            first < 0 ? 0 : first % W,
            first < 0 ? 0 : first / W,
            first < 0 ? 0 : got[first],
            first < 0 ? 0 : want[first],
            b.js("return JSON.stringify(window.replay.screens())"))
        .isZero();
  }

  // --- the recordings ---------------------------------------------------------------------------

  /**
   * Three 2-s segments of text being typed, a scroll at 2.5 s and (when {@code gap}) a failover gap
   * from 3 s to 3.5 s, with no frames in it.
   */
  static List<byte[]> textSegments(String id, long t0, Captured into, boolean gap)
      throws IOException {
    Random rnd = new Random(7);
    int[] screen = SCREEN.text(rnd);
    List<byte[]> out = new ArrayList<>();
    for (int index = 0; index < DURATION_MS / SEGMENT_MS; index++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (SegmentWriter w =
          new SegmentWriter(
              bytes,
              new SegmentHeader(
                  id, index, t0 + index * SEGMENT_MS, List.of(new ScreenLayout(0, 0, 0, W, H))))) {
        for (long at = index * SEGMENT_MS; at < (index + 1) * SEGMENT_MS; at += FRAME_MS) {
          if (gap && at >= GAP_FROM && at < GAP_TO) {
            if (at == GAP_FROM) {
              w.writeGap(t0 + GAP_FROM, t0 + GAP_TO, GapReason.FAILOVER);
            }
            continue;
          }
          int n = (int) (at / FRAME_MS);
          for (int i = 0; i < 6; i++) {
            SCREEN.glyph(screen, 12 + (n % 20) * 30 + i * 5, 40 + (n / 20) * 20, 0x103070 + n);
          }
          if (at == 2_500) {
            System.arraycopy(screen.clone(), 32 * W, screen, 0, (H - 32) * W);
            java.util.Arrays.fill(screen, (H - 32) * W, H * W, 0xF8F8F8);
          }
          w.writeFrame(0, t0 + at, screen, at == index * SEGMENT_MS);
          into.frames.add(new Frame(at, screen.clone()));
        }
        w.close(t0 + (index + 1) * SEGMENT_MS);
      }
      out.add(bytes.toByteArray());
    }
    return out;
  }

  static final int FLOOD_FRAMES = 2_000;

  /**
   * What a hostile or broken client might upload: a first segment with {@value #FLOOD_FRAMES}
   * frames at one instant and then one back in time, a second stating 300 gaps of 1 ms, and a third
   * as it should be.
   */
  static List<byte[]> floodSegments(String id, long t0, Captured into) throws IOException {
    Random rnd = new Random(11);
    int[] screen = SCREEN.text(rnd);
    List<byte[]> out = new ArrayList<>();
    for (int index = 0; index < DURATION_MS / SEGMENT_MS; index++) {
      long from = index * SEGMENT_MS;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (SegmentWriter w =
          new SegmentWriter(
              bytes,
              new SegmentHeader(id, index, t0 + from, List.of(new ScreenLayout(0, 0, 0, W, H))))) {
        List<Long> times = new ArrayList<>();
        times.add(from);
        if (index == 0) {
          for (int i = 0; i < FLOOD_FRAMES; i++) {
            times.add(500L);
          }
          times.add(300L);
          times.add(1_000L);
        } else {
          for (long at = from + 500; at < from + SEGMENT_MS; at += 500) {
            times.add(at);
          }
        }
        int n = 0;
        for (long at : times) {
          if (index == 1 && at == from + 500) {
            for (int g = 0; g < 300; g++) {
              w.writeGap(t0 + at + 2 * g, t0 + at + 2 * g + 1, GapReason.CAPTURE_FAILED);
            }
          }
          SCREEN.glyph(screen, 12 + (n % 20) * 30, 40 + (n / 20 % 16) * 20, 0x103070 + n);
          n++;
          w.writeFrame(0, t0 + at, screen, at == from);
          into.frames.add(new Frame(at, screen.clone()));
        }
        w.close(t0 + from + SEGMENT_MS);
      }
      out.add(bytes.toByteArray());
    }
    return out;
  }

  /** Three 2-s segments of text around a grainy moving picture, coded as VP8 (format 3). */
  static List<byte[]> videoSegments(String id, long t0, Captured into) throws IOException {
    RegionCodec codec = RegionCodec.find(1).orElseThrow();
    Random rnd = new Random(9);
    int[] screen = SCREEN.text(rnd);
    List<byte[]> out = new ArrayList<>();
    int f = 0;
    for (int index = 0; index < DURATION_MS / SEGMENT_MS; index++) {
      VideoRegions regions = new VideoRegions(codec, new VideoRegions.Quality(800, 1, 1));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (SegmentWriter w =
          new SegmentWriter(
              bytes,
              new SegmentHeader(
                  id, index, t0 + index * SEGMENT_MS, List.of(new ScreenLayout(0, 0, 0, W, H))),
              regions)) {
        for (long at = index * SEGMENT_MS; at < (index + 1) * SEGMENT_MS; at += 100, f++) {
          SCREEN.paintVideo(screen, f, rnd);
          if (f % 4 == 0) {
            SCREEN.glyph(screen, 10 + (f % 60) * 10, 360, 0x202020);
          }
          w.writeFrame(0, t0 + at, screen, at == index * SEGMENT_MS);
          into.frames.add(new Frame(at, screen.clone()));
        }
        w.close(t0 + (index + 1) * SEGMENT_MS);
      }
      assertThat(regions.failure()).isNull();
      out.add(bytes.toByteArray());
    }
    return out;
  }

  /** Where the Java reader stops reading the damaged middle segment (ms into the recording). */
  static long truncationOffset(Captured c) throws Exception {
    byte[] segment =
        server.api().get("/api/v1/recordings/" + c.call.recordingId() + "/segments/1").body();
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(segment))) {
      for (SegmentEvent e; (e = r.next()) != null; ) {
        if (e instanceof SegmentEvent.Truncated t) {
          return t.time() - (c.call.startedAt());
        }
      }
    }
    throw new AssertionError("the middle segment reads to its end");
  }
}
