package cz.zoom.screenrec.systemtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.systemtest.replay.ReplayUi.Sample;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.trust.VerifyMain;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;

/**
 * The replay UI in headless Chromium against a real server: a call whose screen (two monitors,
 * recorded through the real control protocol and MUS) changes colour at known instants and whose
 * audio (a WAV put through the audio API) beeps at exactly those instants. A reviewer finds it,
 * plays it, and the page's video and audio clocks must agree within 100 ms at 1x and 2x, with the
 * video showing the colour of the instant it claims; seeking, monitors, export, refusals.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplayInBrowserTest {
  static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
  static final String REVIEWER = "rita";
  static final String REVIEWER_PASSWORD = "reviewer-" + UUID.randomUUID();
  static final long SYNC_MS = 100;

  /** Colour is checked only this far from a change: a 5 fps frame plus the canvas read. */
  static final long COLOUR_MARGIN_MS = 300;

  static final List<ScreenLayout> MONITORS =
      List.of(new ScreenLayout(0, 0, 0, 640, 360), new ScreenLayout(1, 640, 0, 640, 360));

  /** Monitor 0 is the left half of the composed picture, monitor 1 the right half. */
  static final double LEFT = 0.25;

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();
  @RegisterExtension static final Browsers browsers = new Browsers();

  static ServerProcess server;
  static ScreenScript script = ScreenScript.colours();
  static SyntheticAgent.Recorded call;
  static long audioStart;
  static long audioMs;

  @BeforeAll
  static void recordACall() throws Exception {
    server = processes.add(ServerProcess.builder().arg("--admin-password", ADMIN_PASSWORD).start());
    ReplaySession admin = ReplaySession.login(server.httpUri(), "admin", ADMIN_PASSWORD);
    admin.createUser(REVIEWER, "REVIEWER", REVIEWER_PASSWORD);

    try (SyntheticAgent alice = SyntheticAgent.connect(server, "alice", MONITORS, 0)) {
      call =
          alice.record(
              server.api(),
              "call-" + UUID.randomUUID(),
              script,
              5,
              4_000,
              true,
              Duration.ofMinutes(2));
    }
    // the call recorder's audio starts a second before the screen and ends a second after it
    audioStart = call.startedAt() - 1_000;
    audioMs = script.durationMs() + 2_000;
    List<Long> beeps = script.changeTimes().stream().map(c -> c + 1_000).toList();
    ScreenRecApi.Response r =
        CallAudio.upload(
            server.api(), call.callId(), audioStart, CallAudio.wavWithBeeps(audioMs, beeps));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  Browser reviewer() {
    Browser b = browsers.start(server.httpUri());
    ReplayUi.login(b, REVIEWER, REVIEWER_PASSWORD);
    return b;
  }

  @Test
  void aReviewerFindsTheCallAndPlaysScreenAndAudioInSyncAtOneAndTwiceTheSpeed() {
    Browser b = reviewer();
    assertThat(b.path()).isEqualTo("/replay/search");
    ReplayUi.openCallFromSearch(b, call.callId());
    assertThat(b.find("#call-id").getText()).isEqualTo(call.callId());
    assertThat(b.find("#fact-agent").getText()).isEqualTo("alice");
    Sample before = ReplayUi.sample(b, LEFT, 0.5);
    assertThat(before.playing()).isFalse();

    b.click("#play");
    // 1x from the start: the first second is audio only, then the screen comes in
    List<Sample> normal =
        ReplayUi.sampleWhilePlaying(
            b,
            400,
            LEFT,
            0.5,
            s -> !s.isEmpty() && s.get(s.size() - 1).timelineMs() >= call.startedAt() + 6_000,
            Duration.ofSeconds(40));
    b.saveScreenshot("replay-call-playing");
    checkPlayback("1x", normal, 1.0, 6);

    // seek by clicking the scrubber into the green stretch
    long target = call.startedAt() + 6_500;
    ReplayUi.clickScrubberAt(b, target);
    Sample afterSeek =
        b.until(
            "the seek to land",
            d -> {
              Sample s = ReplayUi.sample(b, LEFT, 0.5);
              return s.videoAbsMs() != null
                      && Math.abs(s.videoAbsMs() - target) < 1_000
                      && s.playing()
                  ? s
                  : null;
            });
    assertThat(afterSeek.timelineMs())
        .as("timeline after seeking to %s: %s", target, afterSeek)
        .isBetween(target - 600.0, target + 1_500.0);

    b.click("#speed button[data-rate='2']");
    assertThat(b.find("#speed button[data-rate='2']").getAttribute("aria-pressed"))
        .isEqualTo("true");
    List<Sample> fast =
        ReplayUi.sampleWhilePlaying(
            b,
            300,
            LEFT,
            0.5,
            s -> !s.isEmpty() && (!s.get(s.size() - 1).playing()),
            Duration.ofSeconds(30));
    checkPlayback("2x", fast.stream().filter(Sample::playing).toList(), 2.0, 4);
    Sample end = fast.get(fast.size() - 1);
    assertThat(end.timelineMs())
        .as("stopped at the end: %s", end)
        .isGreaterThanOrEqualTo(audioStart + audioMs - 300.0);
    assertThat(b.find("#play").getAttribute("aria-label")).isEqualTo("Play");
  }

  /**
   * Every sample: video and audio within 100 ms, the colour of the instant shown; time advancing at
   * the speed.
   */
  private void checkPlayback(String what, List<Sample> samples, double rate, int minWithVideo) {
    SoftAssertions soft = new SoftAssertions();
    List<Sample> withVideo =
        samples.stream().filter(s -> s.videoAbsMs() != null && s.playing()).toList();
    soft.assertThat(withVideo)
        .as("%s: samples with the screen video playing: %s", what, samples)
        .hasSizeGreaterThanOrEqualTo(minWithVideo);
    for (Sample s : withVideo) {
      soft.assertThat(s.hasBoth()).as("%s: audio plays along with the video: %s", what, s).isTrue();
      if (s.hasBoth()) {
        soft.assertThat(Math.abs(s.videoAbsMs() - s.audioAbsMs()))
            .as("%s: |video - audio| in %s", what, s)
            .isLessThanOrEqualTo((double) SYNC_MS);
      }
      if (s.rgb() != null && s.rgbVideoAbsMs() != null) {
        long offset = Math.round(s.rgbVideoAbsMs() - call.startedAt());
        if (script.distanceToChange(offset) > COLOUR_MARGIN_MS
            && offset >= 0
            && offset < script.durationMs()) {
          int expected = script.rgbAt(0, offset);
          soft.assertThat(ScreenScript.looksLike(expected, s.rgb()[0], s.rgb()[1], s.rgb()[2]))
              .as(
                  "%s: at %d ms into the screen recording the video should show %s: %s",
                  what, offset, ScreenScript.name(expected), s)
              .isTrue();
        }
      }
    }
    for (int i = 1; i < withVideo.size(); i++) {
      Sample a = withVideo.get(i - 1);
      Sample b = withVideo.get(i);
      double speed = (b.timelineMs() - a.timelineMs()) / Math.max(1, b.wallMs() - a.wallMs());
      soft.assertThat(b.videoAbsMs())
          .as("%s: the video advances: %s then %s", what, a, b)
          .isGreaterThan(a.videoAbsMs());
      soft.assertThat(speed)
          .as("%s: timeline speed between %s and %s", what, a, b)
          .isBetween(rate * 0.6, rate * 1.4);
    }
    soft.assertAll();
  }

  @Test
  void onePausedFrameAndOneMonitorAtATime() throws Exception {
    Browser b = reviewer();
    b.open("/replay/calls/" + call.callId());
    ReplayUi.awaitCallPage(b, call.callId());
    // paused on a red instant: the frame must be red, the second monitor yellow
    long red = call.startedAt() + 3_500;
    ReplayUi.clickScrubberAt(b, red);
    Sample s =
        b.until(
            "the paused frame at the red instant",
            d -> {
              Sample x = ReplayUi.sample(b, LEFT, 0.5);
              return x.videoAbsMs() != null
                      && Math.abs(x.videoAbsMs() - red) < 300
                      && x.rgb() != null
                  ? x
                  : null;
            });
    assertThat(ScreenScript.looksLike(ScreenScript.RED, s.rgb()[0], s.rgb()[1], s.rgb()[2]))
        .as("%s", s)
        .isTrue();
    assertThat(b.findAll("#monitors button"))
        .extracting(e -> e.getText())
        .containsExactly("All screens", "Screen 1", "Screen 2");

    b.click("#monitors button[data-mode='1']");
    b.until("stage cropped to monitor 2", d -> centreOfStage(b) == ScreenScript.YELLOW);
    b.saveScreenshot("replay-call-monitor-2");
    b.click("#monitors button[data-mode='0']");
    b.until("stage cropped to monitor 1", d -> centreOfStage(b) == ScreenScript.RED);
    b.click("#monitors button[data-mode='all']");
    b.until(
        "both monitors side by side",
        d -> {
          BufferedImage img = stage(b);
          return ExportedFile.nearest(img.getRGB(img.getWidth() / 4, img.getHeight() / 2))
                  == ScreenScript.RED
              && ExportedFile.nearest(img.getRGB(img.getWidth() * 3 / 4, img.getHeight() / 2))
                  == ScreenScript.YELLOW;
        });
  }

  private static BufferedImage stage(Browser b) {
    try {
      return ImageIO.read(
          new ByteArrayInputStream(b.find("#stage").getScreenshotAs(OutputType.BYTES)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int centreOfStage(Browser b) {
    BufferedImage img = stage(b);
    return ExportedFile.nearest(img.getRGB(img.getWidth() / 2, img.getHeight() / 2));
  }

  @Test
  void exportGivesOneFileWithScreenAndAudioInSync(@TempDir Path tmp) throws Exception {
    Browser b = reviewer();
    b.open("/replay/calls/" + call.callId());
    ReplayUi.awaitCallPage(b, call.callId());
    b.click("#export");
    b.until(
        "the export to finish",
        Duration.ofMinutes(4),
        d -> {
          String state = b.find("#export-panel").getAttribute("data-state");
          return "DONE".equals(state) || "FAILED".equals(state);
        });
    b.saveScreenshot("replay-call-exported");
    assertThat(b.find("#export-panel").getAttribute("data-state"))
        .as(b.find("#export-error").getText())
        .isEqualTo("DONE");
    assertThat(b.find("#export-progress").getAttribute("value")).isEqualTo("1");
    String href = b.find("#export-download").getAttribute("href");
    assertThat(href).contains("/replay/api/exports/");

    ReplaySession session =
        ReplaySession.ofCookie(server.httpUri(), b.cookie(ReplaySession.COOKIE).getValue());
    ReplaySession.Answer file = session.get(java.net.URI.create(href).getPath());
    assertThat(file.status()).as(file.toString()).isEqualTo(200);
    // named as it downloads, so its evidence finds it
    Path exported = tmp.resolve("call-" + call.callId() + ".webm");
    Files.write(exported, file.body());
    String evidenceHref = b.find("#export-evidence").getAttribute("href");
    ReplaySession.Answer evidence = session.get(java.net.URI.create(evidenceHref).getPath());
    assertThat(evidence.status()).as(evidence.toString()).isEqualTo(200);
    Path manifest = Files.write(tmp.resolve("export.evidence.json"), evidence.body());
    assertThat(
            VerifyMain.run(
                new String[] {
                  "--ca",
                  server.dataDir().resolve("tls/ca.pem").toString(),
                  manifest.toString(),
                  exported.toString()
                }))
        .as("screenrec-verify of the export the reviewer downloaded")
        .isZero();

    Files.createDirectories(Path.of("target", "exports"));
    Files.copy(
        exported,
        Path.of("target", "exports", "replay-export.webm"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    ExportedFile.Streams streams = ExportedFile.streams(exported);
    ExportedFile.AudioScan audio = ExportedFile.scanAudio(exported);
    List<ExportedFile.ColourRun> runs = ExportedFile.colourRuns(exported, LEFT, 0.5);
    long span =
        Math.max(call.endedAt(), audioStart + audioMs) - Math.min(call.startedAt(), audioStart);
    String found = streams + ", audio " + audio + ", colour runs " + runs;
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(streams.audioChannels()).as("audio stream in %s", found).isPositive();
    soft.assertThat(streams.durationMs())
        .as("duration vs. the call's media span %s: %s", span, found)
        .isBetween(span - 300, span + 300);
    soft.assertThat(audio.endMs() - audio.firstSampleMs())
        .as("audio length vs. %s: %s", audioMs, found)
        .isBetween(audioMs - 100, audioMs + 100);
    // the screen starts a second into the file (the audio began a second before it): black until
    // then
    soft.assertThat(runs)
        .as("colours in the export: %s", found)
        .extracting(ExportedFile.ColourRun::rgb)
        .containsSubsequence(ScreenScript.RED, ScreenScript.GREEN, ScreenScript.BLUE);

    // the beeps must fall where the colour changes, in the file's own time
    List<Long> changes = new ArrayList<>();
    for (int i = 1; i < runs.size(); i++) {
      if (runs.get(i).rgb() != ScreenScript.BLACK || runs.get(i - 1).rgb() != ScreenScript.BLACK) {
        changes.add(runs.get(i).atMs());
      }
    }
    soft.assertThat(audio.beepOnsets())
        .as("beeps in the export: %s", found)
        .hasSize(script.changeTimes().size());
    for (long beep : audio.beepOnsets()) {
      long nearest =
          changes.stream()
              .min((x, y) -> Long.compare(Math.abs(x - beep), Math.abs(y - beep)))
              .orElse(-1L);
      soft.assertThat(Math.abs(nearest - beep))
          .as("beep at %d ms vs. colour changes %s: %s", beep, changes, found)
          .isLessThanOrEqualTo(SYNC_MS);
    }
    soft.assertAll();
  }

  @Test
  void anAdminSeesWhoReplayedTheCallAndDownloadsTheAuditAsCsv() {
    ReplaySession rita = ReplaySession.login(server.httpUri(), REVIEWER, REVIEWER_PASSWORD);
    assertThat(rita.get("/replay/api/calls/" + call.callId()).status()).isEqualTo(200);

    Browser b = browsers.start(server.httpUri());
    ReplayUi.login(b, "admin", ADMIN_PASSWORD);
    b.open("/replay/admin");
    b.awaitPageReady("/replay/admin");
    assertThat(b.findAll("#users tbody tr"))
        .extracting(e -> e.getAttribute("data-username"))
        .contains("admin", REVIEWER);
    b.click("#tab-audit");
    b.until(
        "a REPLAY of the call by " + REVIEWER,
        d ->
            b.findAll("#audit tbody tr[data-action='REPLAY']").stream()
                .anyMatch(
                    r -> r.getText().contains(REVIEWER) && r.getText().contains(call.callId())));
    b.saveScreenshot("replay-admin-audit");
    String csvHref = b.find("#audit-csv").getAttribute("href");
    ReplaySession admin =
        ReplaySession.ofCookie(server.httpUri(), b.cookie(ReplaySession.COOKIE).getValue());
    ReplaySession.Answer csv =
        admin.get(
            java.net.URI.create(csvHref).getRawPath()
                + (java.net.URI.create(csvHref).getRawQuery() == null
                    ? ""
                    : "?" + java.net.URI.create(csvHref).getRawQuery()));
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).get().asString().startsWith("text/csv");
    assertThat(csv.text()).contains("REPLAY").contains(REVIEWER).contains(call.callId());
    JsonNode audit = admin.get("/replay/api/audit").json();
    assertThat(audit.isArray()).isTrue();
  }
}
