package cz.zoom.screenrec.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Base64;

/**
 * The replay page in headless Chromium (DevTools protocol), measured as a reviewer uses it: the
 * capture-format player playing a call, and as the anchor the same recording's VP9 file in a plain
 * {@code <video>} element of the same page. CPU is Chromium's (all its processes, /proc) while
 * playing, net of the same page sitting paused for as long.
 */
public final class BrowserPlayback implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cdp cdp;
  private final String base;

  private BrowserPlayback(Cdp cdp, String base) {
    this.cdp = cdp;
    this.base = base;
  }

  /** Starts Chromium and signs in to the replay of {@code server}. */
  public static BrowserPlayback signIn(String server, String user, String password)
      throws Exception {
    Cdp cdp = Cdp.launch();
    try {
      String base = server.replaceAll("/$", "");
      cdp.navigate(base + "/replay/login");
      cdp.until("document.readyState === 'complete'", Duration.ofSeconds(30));
      JsonNode login =
          cdp.eval(
              "fetch('/replay/api/login', {method: 'POST', headers: {'Content-Type': "
                  + "'application/json'}, body: JSON.stringify({username: '"
                  + user
                  + "', password: '"
                  + password
                  + "'})}).then(r => r.status)");
      if (login.asInt() != 200) {
        throw new IllegalStateException("login answered " + login);
      }
      return new BrowserPlayback(cdp, base);
    } catch (Exception | Error e) {
      cdp.close();
      throw e;
    }
  }

  /** Opens a call's page and waits until it has the call and its players. */
  public void openCall(String callId) throws Exception {
    cdp.navigate("about:blank");
    cdp.until("location.href === 'about:blank'", Duration.ofSeconds(30));
    cdp.navigate(base + "/replay/calls/" + callId);
    cdp.until(
        "location.href.indexOf('/replay/calls/') > 0 && document.body && document.body.dataset.ready === 'true' "
            + "&& !!window.replay",
        Duration.ofSeconds(60));
  }

  /**
   * Plays the open call from {@code fromMs} (absolute) at {@code rate} for {@code seconds}: the
   * page's own count of pictures drawn and dropped, and Chromium's CPU.
   */
  public ObjectNode playCapture(long fromMs, double rate, int seconds) throws Exception {
    seekAndShow(fromMs);
    double idle = cores(seconds);
    JsonNode before = cdp.eval("window.replay.metrics");
    long cpu0 = cdp.cpuNanos();
    long wall0 = System.nanoTime();
    cdp.eval("window.replay.setRate(" + rate + "), window.replay.play(), true");
    Thread.sleep(seconds * 1000L);
    long cpu1 = cdp.cpuNanos();
    long wall1 = System.nanoTime();
    JsonNode after = cdp.eval("window.replay.metrics");
    JsonNode position = cdp.eval("window.replay.snapshot()");
    cdp.eval("window.replay.pause(), true");
    double playing = (double) (cpu1 - cpu0) / (wall1 - wall0);
    return JSON.createObjectNode()
        .put("rate", rate)
        .put("seconds", seconds)
        .put("framesShown", after.path("framesShown").asInt() - before.path("framesShown").asInt())
        .put(
            "droppedFrames",
            after.path("droppedFrames").asInt() - before.path("droppedFrames").asInt())
        .put("timelineAdvancedMs", Math.round(position.path("timelineMs").asDouble() - fromMs))
        .put("chromiumCoresPausedPage", round3(idle))
        .put("chromiumCoresPlaying", round3(playing))
        .put("netCoresPlaying", round3(playing - idle));
  }

  /**
   * The anchor: {@code videoUrl} (the recording's VP9, same origin) in a plain {@code <video>} as
   * wide as the player's stage, played at {@code rate} for {@code seconds}, measured alike.
   */
  public ObjectNode playVideoElement(String videoUrl, double rate, int seconds) throws Exception {
    cdp.navigate("about:blank");
    cdp.until("location.href === 'about:blank'", Duration.ofSeconds(30));
    cdp.navigate(base + "/replay/login");
    cdp.until("document.readyState === 'complete'", Duration.ofSeconds(30));
    cdp.eval(
        "(async () => { document.body.replaceChildren(); const v = document.createElement('video');"
            + " v.id = 'anchor'; v.muted = true; v.preload = 'auto'; v.style.width = '1300px';"
            + " v.src = '"
            + videoUrl
            + "'; document.body.append(v);"
            + " await new Promise((r) => v.addEventListener('canplaythrough', r, {once: true})); return true; })()");
    double idle = cores(seconds);
    long cpu0 = cdp.cpuNanos();
    long wall0 = System.nanoTime();
    cdp.eval(
        "(async () => { const v = document.getElementById('anchor'); v.playbackRate = "
            + rate
            + "; await v.play(); return true; })()");
    Thread.sleep(seconds * 1000L);
    long cpu1 = cdp.cpuNanos();
    long wall1 = System.nanoTime();
    JsonNode q =
        cdp.eval(
            "(() => { const v = document.getElementById('anchor'); v.pause();"
                + " const q = v.getVideoPlaybackQuality();"
                + " return {total: q.totalVideoFrames, dropped: q.droppedVideoFrames, at: v.currentTime}; })()");
    double playing = (double) (cpu1 - cpu0) / (wall1 - wall0);
    return JSON.createObjectNode()
        .put("rate", rate)
        .put("seconds", seconds)
        .put("framesDecoded", q.path("total").asInt())
        .put("droppedFrames", q.path("dropped").asInt())
        .put("chromiumCoresPausedPage", round3(idle))
        .put("chromiumCoresPlaying", round3(playing))
        .put("netCoresPlaying", round3(playing - idle));
  }

  /** The open call's picture at {@code t} (absolute): RGB bytes row by row, and its size. */
  public Picture pictureAt(long t) throws Exception {
    JsonNode p = seekAndShow(t);
    return new Picture(
        p.path("width").asInt(),
        p.path("height").asInt(),
        Base64.getDecoder().decode(p.path("rgb").asText()));
  }

  /** A picture as the page shows it. */
  public record Picture(int width, int height, byte[] rgb) {}

  /** Seeks and waits until the screen shows {@code t}; its picture. */
  private JsonNode seekAndShow(long t) throws Exception {
    cdp.eval("window.replay.seek(" + t + "), true");
    cdp.until(
        "(() => { const p = window.replay.screenPixels(); return !!p && p.shownT === "
            + t
            + "; })()",
        Duration.ofSeconds(60));
    return cdp.eval("window.replay.screenPixels()");
  }

  /** The page's metrics (play to first frame, seek to frame, ...). */
  public JsonNode metrics() throws Exception {
    return cdp.eval("window.replay.metrics");
  }

  public Cdp cdp() {
    return cdp;
  }

  /** Chromium's cores over {@code seconds} with nothing asked of it. */
  private double cores(int seconds) throws Exception {
    long cpu0 = cdp.cpuNanos();
    long wall0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    return (double) (cdp.cpuNanos() - cpu0) / (System.nanoTime() - wall0);
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public void close() {
    cdp.close();
  }
}
