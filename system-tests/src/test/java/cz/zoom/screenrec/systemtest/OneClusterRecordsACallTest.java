package cz.zoom.screenrec.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ScreenRecApi.Recording;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of one recorded call with real processes: an agent's screen (Xvfb) shows red,
 * green and blue for four seconds each during a call driven through the REST API; the recording the
 * server encodes must show those colours at the times they were painted and last as long as the
 * call.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class OneClusterRecordsACallTest {
  /** The server's default capture rate: the product as shipped. One frame every 200 ms. */
  static final int FPS = 5;

  static final long FRAME_MS = 1000 / FPS;
  static final Duration SPAN = Duration.ofSeconds(4);
  static final List<String> STATUS_ORDER = List.of("RECORDING", "UPLOADING", "ENCODING", "READY");

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  @Test
  void theVideoOfACallShowsWhatWasOnScreenWhenItWasThere(@TempDir Path tmp) throws Exception {
    // Full HD, as agents' monitors are: the capture path is measured at this size (DESIGN facts)
    XvfbDisplay display = processes.add(XvfbDisplay.start(1920, 1080));
    display.paint(Colours.BLACK.color);
    ServerProcess server = processes.add(ServerProcess.builder().fps(FPS).start());
    processes.add(ClientProcess.builder("alice").server(server).display(display).start());
    ScreenRecApi api = server.api();

    ScreenRecApi.Agent alice = api.awaitAgent("alice", Duration.ofSeconds(60));
    assertThat(alice.state()).isEqualTo("IDLE");
    assertThat(alice.role()).isEqualTo("primary");
    assertThat(alice.clientVersion()).isNotBlank();
    assertThat(alice.remoteAddress()).contains("127.0.0.1");

    String callId = "call-" + UUID.randomUUID();
    long startSent = System.currentTimeMillis();
    ScreenRecApi.Call call = api.startCall(callId, "alice");
    long startAnswered = System.currentTimeMillis();
    assertThat(call.callId()).isEqualTo(callId);
    assertThat(call.agent()).isEqualTo("alice");
    assertThat(call.status()).isEqualTo("RECORDING");
    String recordingId = call.recordingId();
    assertThat(recordingId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    api.awaitAgentState("alice", "RECORDING", Duration.ofSeconds(10));

    // a black second first, so the change to red happens inside the video, not at its first frame
    Stimulus.holdUntil(Instant.ofEpochMilli(startAnswered).plusSeconds(1));
    Instant red = display.paint(Colours.RED.color);
    Stimulus.holdUntil(red.plus(SPAN));
    Instant green = display.paint(Colours.GREEN.color);
    Stimulus.holdUntil(green.plus(SPAN));
    Instant blue = display.paint(Colours.BLUE.color);
    Stimulus.holdUntil(blue.plus(SPAN));

    long endSent = System.currentTimeMillis();
    ScreenRecApi.Call ended = api.endCall(callId);
    long endAnswered = System.currentTimeMillis();
    assertThat(ended.recordingId()).isEqualTo(recordingId);

    Set<String> seen = new LinkedHashSet<>();
    Recording rec =
        api.awaitRecording(
            recordingId,
            "READY or FAILED",
            r -> {
              seen.add(r.status());
              return "READY".equals(r.status()) || "FAILED".equals(r.status());
            },
            Duration.ofMinutes(3));
    assertThat(rec.status()).as("status, failure: %s", rec.failureReason()).isEqualTo("READY");
    assertThat(STATUS_ORDER)
        .as("statuses seen while waiting must follow the documented order")
        .containsSubsequence(new ArrayList<>(seen));

    assertThat(rec.id()).isEqualTo(recordingId);
    assertThat(rec.agent()).isEqualTo("alice");
    assertThat(rec.callId()).isEqualTo(callId);
    assertThat(rec.clusterId()).isNotBlank();
    assertThat(api.recordingsOfCall(callId)).extracting(Recording::id).containsExactly(recordingId);
    assertThat(api.agent("alice")).get().extracting(ScreenRecApi.Agent::state).isEqualTo("IDLE");

    // the recording covers the call: it starts when START reached the client and ends at STOP
    assertThat(rec.startedAt())
        .as("startedAt vs. call start sent %s, answered %s", startSent, startAnswered)
        .isBetween(startSent - FRAME_MS, startAnswered + FRAME_MS);
    assertThat(rec.endedAt())
        .as("endedAt vs. call end sent %s, answered %s", endSent, endAnswered)
        .isBetween(endSent - FRAME_MS, endAnswered + FRAME_MS);

    assertThat(rec.segments()).isNotEmpty();
    assertThat(rec.segments())
        .extracting(ScreenRecApi.Segment::index)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, rec.segments().size()).boxed().toList());
    assertThat(rec.segments())
        .allSatisfy(
            s -> {
              assertThat(s.bytes()).isPositive();
              assertThat(s.sha256()).matches("[0-9a-f]{64}");
            });
    assertThat(rec.video()).isNotNull();
    long recordedMs = rec.endedAt() - rec.startedAt();
    assertThat(rec.video().durationMs())
        .as("video duration in the API vs. endedAt - startedAt = %s", recordedMs)
        .isCloseTo(recordedMs, org.assertj.core.data.Offset.offset(FRAME_MS));

    Path video = checkVideoDownload(api, rec, tmp);
    ScreenRecApi.Response thumbnail = api.thumbnail(recordingId);
    assertThat(thumbnail.status()).as(thumbnail.toString()).isEqualTo(200);
    assertThat(thumbnail.header("Content-Type")).get().asString().startsWith("image/jpeg");
    assertThat(thumbnail.body()).startsWith((byte) 0xFF, (byte) 0xD8);

    VideoProbe.Info info = VideoProbe.probe(video);
    assertThat(info.codecName()).isEqualTo(api.recording(recordingId).video().codec());
    assertThat(info.durationMs())
        .as("decoded duration vs. endedAt - startedAt = %s", recordedMs)
        .isCloseTo(recordedMs, org.assertj.core.data.Offset.offset(FRAME_MS));

    List<Frame> frames;
    try (VideoProbe probe = VideoProbe.open(video)) {
      frames = frames(probe, info.durationMs());
    }
    long t0 = rec.startedAt();
    String timeline =
        timeline(frames)
            + "; painted (video ms): red "
            + (red.toEpochMilli() - t0)
            + ", green "
            + (green.toEpochMilli() - t0)
            + ", blue "
            + (blue.toEpochMilli() - t0)
            + "; call end sent "
            + (endSent - t0);
    SoftAssertions soft = new SoftAssertions();
    // the middle of each span shows its colour
    soft.assertThat(colourAt(frames, (red.toEpochMilli() - t0) / 2))
        .as("lead-in; " + timeline)
        .isEqualTo(Colours.BLACK);
    soft.assertThat(colourAt(frames, mid(red, green) - t0))
        .as("red span; " + timeline)
        .isEqualTo(Colours.RED);
    soft.assertThat(colourAt(frames, mid(green, blue) - t0))
        .as("green span; " + timeline)
        .isEqualTo(Colours.GREEN);
    soft.assertThat(colourAt(frames, mid(blue, Instant.ofEpochMilli(endSent)) - t0))
        .as("blue span; " + timeline)
        .isEqualTo(Colours.BLUE);
    // each change shows in the video within one frame interval of the instant it was painted
    changeAt(soft, frames, Colours.BLACK, Colours.RED, red.toEpochMilli() - t0, timeline);
    changeAt(soft, frames, Colours.RED, Colours.GREEN, green.toEpochMilli() - t0, timeline);
    changeAt(soft, frames, Colours.GREEN, Colours.BLUE, blue.toEpochMilli() - t0, timeline);
    soft.assertThat(frames)
        .as("every frame shows one of the painted colours: " + timeline)
        .allMatch(f -> f.colour() != Colours.OTHER);
    soft.assertAll();
  }

  private static Path checkVideoDownload(ScreenRecApi api, Recording rec, Path tmp)
      throws Exception {
    assertThat(rec.video().encoded()).as("READY without an encode").isFalse();
    ScreenRecApi.Response full = api.video(rec.id(), null);
    assertThat(full.status()).as(full.toString()).isEqualTo(200);
    rec = api.recording(rec.id());
    assertThat(rec.video().encoded()).isTrue();
    String expectedType = "h264".equals(rec.video().codec()) ? "video/mp4" : "video/webm";
    assertThat(full.header("Content-Type")).get().asString().startsWith(expectedType);
    if (rec.video().contentType() != null) {
      assertThat(rec.video().contentType()).isEqualTo(expectedType);
    }
    assertThat((long) full.body().length).isEqualTo(rec.video().bytes());
    long total = full.body().length;
    assertThat(total).isGreaterThan(200);

    ScreenRecApi.Response head = api.video(rec.id(), "bytes=0-99");
    assertThat(head.status()).as(head.toString()).isEqualTo(206);
    assertThat(head.header("Content-Range")).hasValue("bytes 0-99/" + total);
    assertThat(head.body()).isEqualTo(Arrays.copyOfRange(full.body(), 0, 100));

    ScreenRecApi.Response middle = api.video(rec.id(), "bytes=100-");
    assertThat(middle.status()).as(middle.toString()).isEqualTo(206);
    assertThat(middle.header("Content-Range")).hasValue("bytes 100-" + (total - 1) + "/" + total);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(full.body(), 100, (int) total));

    Path file = tmp.resolve("video");
    Files.write(file, full.body());
    return file;
  }

  record Frame(long ms, int rgb, Colours colour) {}

  /** Every distinct frame of the video with the mean colour of a central square. */
  private static List<Frame> frames(VideoProbe probe, long durationMs) throws Exception {
    List<Frame> out = new ArrayList<>();
    int side = Math.max(8, Math.min(probe.width(), probe.height()) / 8);
    int x = (probe.width() - side) / 2;
    int y = (probe.height() - side) / 2;
    long last = Long.MIN_VALUE;
    // sampling at a quarter of the frame interval visits every frame even if timestamps jitter
    for (long ms = 0; ms <= durationMs + FRAME_MS; ms += FRAME_MS / 4) {
      int rgb = probe.meanRgbAt(ms, x, y, side, side);
      long frameMs = probe.currentFrameMs();
      if (frameMs != last) {
        out.add(new Frame(frameMs, rgb, Colours.of(rgb)));
        last = frameMs;
      }
    }
    return out;
  }

  private static Colours colourAt(List<Frame> frames, long ms) {
    Frame shown = frames.get(0);
    for (Frame f : frames) {
      if (f.ms() <= ms) {
        shown = f;
      }
    }
    return shown.colour();
  }

  /**
   * The first frame showing {@code to} after frames showing {@code from} must be within one frame
   * interval of {@code paintedMs}: that is when someone watching the video sees the change.
   */
  private static void changeAt(
      SoftAssertions soft,
      List<Frame> frames,
      Colours from,
      Colours to,
      long paintedMs,
      String timeline) {
    Frame firstNew = null;
    boolean sawOld = false;
    for (Frame f : frames) {
      if (f.colour() == from) {
        sawOld = true;
      } else if (sawOld && f.colour() == to) {
        firstNew = f;
        break;
      }
    }
    if (firstNew == null) {
      soft.fail("no change from %s to %s in %s", from, to, timeline);
      return;
    }
    // every change late by one frame or more, all alike, points at the frame-to-tick mapping
    // (captures land a few
    // ms after the encoder's ticks; "newest capture at or before the tick" then shows each one a
    // tick late)
    soft.assertThat(firstNew.ms())
        .as("video time of the first %s frame, painted at %s ms; %s", to, paintedMs, timeline)
        .isBetween(paintedMs - FRAME_MS, paintedMs + FRAME_MS);
  }

  private static String timeline(List<Frame> frames) {
    StringBuilder sb = new StringBuilder("frames (ms colour):");
    Colours prev = null;
    for (Frame f : frames) {
      if (f.colour() != prev) {
        sb.append(' ')
            .append(f.ms())
            .append(' ')
            .append(f.colour())
            .append(f.colour() == Colours.OTHER ? Colours.hex(f.rgb()) : "");
        prev = f.colour();
      }
    }
    return sb.append(" (").append(frames.size()).append(" frames)").toString();
  }

  private static long mid(Instant a, Instant b) {
    return (a.toEpochMilli() + b.toEpochMilli()) / 2;
  }
}
