package cz.zoom.screenrec.systemtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.systemtest.replay.ReplayUi.Sample;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two independent clusters: the agent's screen is recorded by cluster B, whose client's clock runs
 * 1.5 s behind the servers' (it says so in its heartbeats, as a real client measures it); the
 * call's audio is delivered to cluster A, which knows B only as a peer (URL and API token). A
 * reviewer on A's replay UI finds the call, sees where each part came from, and plays it: the
 * screen must line up with the audio within 100 ms, which it only does if B's recording was placed
 * by the corrected, absolute time.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CrossClusterReplayTest {
  static final long CLIENT_CLOCK_BEHIND_MS = 1_500;

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();
  @RegisterExtension static final Browsers browsers = new Browsers();

  @Test
  void screenFromClusterBPlaysWithAudioFromClusterAOnAsReplay() throws Exception {
    ServerProcess b = processes.add(ServerProcess.builder().clusterId("cluster-b").start());
    String adminPassword = "admin-" + UUID.randomUUID();
    String peer = b.httpUri().toString().replaceAll("/$", "") + "=" + b.apiToken();
    ServerProcess a =
        processes.add(
            ServerProcess.builder()
                .clusterId("cluster-a")
                // the clusters of a pair share their CA: a's calls to b's HTTPS trust it
                .sharingCaWith(b)
                .arg("--admin-password", adminPassword, "--peer-cluster", peer)
                .start());

    ScreenScript script = ScreenScript.colours();
    SyntheticAgent.Recorded call;
    try (SyntheticAgent alice =
        SyntheticAgent.connect(
            b,
            "alice",
            List.of(new ScreenLayout(0, 0, 0, 640, 360), new ScreenLayout(1, 640, 0, 640, 360)),
            CLIENT_CLOCK_BEHIND_MS)) {
      call =
          alice.record(
              b.api(), "call-" + UUID.randomUUID(), script, 5, 4_000, true, Duration.ofMinutes(2));
    }
    long audioStart = call.startedAt() - 1_000;
    long audioMs = script.durationMs() + 2_000;
    ScreenRecApi.Response put =
        CallAudio.upload(
            a.api(),
            call.callId(),
            audioStart,
            CallAudio.wavWithBeeps(
                audioMs, script.changeTimes().stream().map(c -> c + 1_000).toList()));
    assertThat(put.status()).as(put.toString()).isEqualTo(201);

    Browser browser = browsers.start(a.httpUri());
    ReplayUi.login(browser, "admin", adminPassword);
    ReplayUi.openCallFromSearch(browser, call.callId());
    assertThat(browser.find("#fact-screen").getText()).isEqualTo("cluster-b");
    assertThat(browser.find("#fact-audio").getText()).isEqualTo("cluster-a");
    assertThat(browser.find("canvas.screen-video").getAttribute("data-cluster-id"))
        .isEqualTo("cluster-b");

    browser.click("#play");
    List<Sample> samples =
        ReplayUi.sampleWhilePlaying(
            browser,
            400,
            0.25,
            0.5,
            s -> !s.isEmpty() && s.get(s.size() - 1).timelineMs() >= call.startedAt() + 7_000,
            Duration.ofSeconds(40));
    browser.saveScreenshot("replay-cross-cluster");
    SoftAssertions soft = new SoftAssertions();
    List<Sample> both = samples.stream().filter(Sample::hasBoth).toList();
    soft.assertThat(both)
        .as("samples with screen and audio: %s", samples)
        .hasSizeGreaterThanOrEqualTo(6);
    for (Sample s : both) {
      soft.assertThat(Math.abs(s.videoAbsMs() - s.audioAbsMs()))
          .as("|video - audio| in %s", s)
          .isLessThanOrEqualTo(100.0);
      if (s.rgb() != null && s.rgbVideoAbsMs() != null) {
        long offset = Math.round(s.rgbVideoAbsMs() - call.startedAt());
        if (offset >= 0 && offset < script.durationMs() && script.distanceToChange(offset) > 300) {
          int expected = script.rgbAt(0, offset);
          soft.assertThat(ScreenScript.looksLike(expected, s.rgb()[0], s.rgb()[1], s.rgb()[2]))
              .as(
                  "%d ms into B's recording (true time) the video should show %s: %s",
                  offset, ScreenScript.name(expected), s)
              .isTrue();
        }
      }
    }
    soft.assertAll();
  }
}
