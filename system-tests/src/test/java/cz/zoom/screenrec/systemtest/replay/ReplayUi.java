package cz.zoom.screenrec.systemtest.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** What a person does in the replay UI, step by step, and what the call page reports of itself. */
final class ReplayUi {
  private ReplayUi() {}

  /** Signs in on the login page and waits for the page it leads to. */
  static void login(Browser b, String user, String password) {
    b.open("/replay/login");
    submitLogin(b, user, password);
    b.until("leaving the login page", d -> !b.path().equals("/replay/login"));
  }

  static void submitLogin(Browser b, String user, String password) {
    b.type("#username", user);
    b.type("#password", password);
    b.click("#login-submit");
  }

  /** Searches by call id on the search page and opens the call from the results. */
  static void openCallFromSearch(Browser b, String callId) {
    b.awaitPageReady("/replay/search");
    b.type("#callId", callId);
    b.click("#search-submit");
    b.until(
        "the call in the results",
        d ->
            b.findAll("#results tbody tr").size() == 1
                && callId.equals(b.find("#results tbody tr").getAttribute("data-call-id")));
    b.find("#results tbody tr a.call-link").click();
    awaitCallPage(b, callId);
  }

  static void awaitCallPage(Browser b, String callId) {
    b.until(
        "call page of " + callId,
        d ->
            b.path().startsWith("/replay/calls/")
                && "true".equals(b.js("return document.body.dataset.ready"))
                && b.js("return window.replay") != null);
  }

  /**
   * One reading of the page's clocks and of the video frame's colour at (fx, fy) of the composed
   * picture.
   */
  record Sample(
      long wallMs,
      Double timelineMs,
      Double videoAbsMs,
      Double audioAbsMs,
      boolean playing,
      double rate,
      int[] rgb,
      Double rgbVideoAbsMs) {
    boolean hasBoth() {
      return videoAbsMs != null && audioAbsMs != null;
    }

    @Override
    public String toString() {
      return String.format(
          "{t=%.0f v=%s a=%s v-a=%s %s rgb=%s}",
          timelineMs,
          fmt(videoAbsMs),
          fmt(audioAbsMs),
          hasBoth() ? String.format("%.0f", videoAbsMs - audioAbsMs) : "-",
          playing ? "playing x" + rate : "paused",
          rgb == null ? "-" : String.format("%d,%d,%d", rgb[0], rgb[1], rgb[2]));
    }

    private static String fmt(Double d) {
      return d == null ? "null" : String.format("%.0f", d);
    }
  }

  @SuppressWarnings("unchecked")
  static Sample sample(Browser b, double fx, double fy) {
    Map<String, Object> m =
        b.js(
            "const s = window.replay.snapshot(); const p = window.replay.sampleRgb(arguments[0], arguments[1]);"
                + "return {s: s, p: p};",
            fx,
            fy);
    Map<String, Object> s = (Map<String, Object>) m.get("s");
    Map<String, Object> p = (Map<String, Object>) m.get("p");
    int[] rgb = null;
    Double at = null;
    if (p != null) {
      List<Object> c = (List<Object>) p.get("rgb");
      rgb =
          new int[] {num(c.get(0)).intValue(), num(c.get(1)).intValue(), num(c.get(2)).intValue()};
      at = num(p.get("videoAbsMs"));
    }
    return new Sample(
        System.currentTimeMillis(),
        num(s.get("timelineMs")),
        num(s.get("videoAbsMs")),
        num(s.get("audioAbsMs")),
        Boolean.TRUE.equals(s.get("playing")),
        num(s.get("rate")),
        rgb,
        at);
  }

  private static Double num(Object o) {
    return o == null ? null : ((Number) o).doubleValue();
  }

  /**
   * Samples while the call plays until {@code enough} says stop, one sample at least every {@code
   * everyMs}; returns the samples.
   */
  static List<Sample> sampleWhilePlaying(
      Browser b,
      long everyMs,
      double fx,
      double fy,
      java.util.function.Predicate<List<Sample>> enough,
      java.time.Duration timeout) {
    List<Sample> out = new ArrayList<>();
    long[] last = {0};
    b.until(
        "enough samples during playback; so far " + out,
        timeout,
        d -> {
          long now = System.currentTimeMillis();
          if (now - last[0] >= everyMs) {
            last[0] = now;
            out.add(sample(b, fx, fy));
          }
          return enough.test(out);
        });
    return out;
  }

  /** Clicks the scrubber where it shows absolute time {@code t}. */
  static void clickScrubberAt(Browser b, long t) {
    Map<String, Object> range = b.js("return window.replay.range()");
    double start = ((Number) range.get("start")).doubleValue();
    double end = ((Number) range.get("end")).doubleValue();
    WebElement scrub = b.find("#scrub");
    int width = scrub.getRect().getWidth();
    int height = scrub.getRect().getHeight();
    double f = (t - start) / (end - start);
    // Selenium's offsets are from the element's centre; aim at the screen lane's row
    int x = (int) Math.round(f * width - width / 2.0);
    int y = (int) Math.round(height * 0.1);
    new Actions(b.driver()).moveToElement(scrub, x, y).click().perform();
  }
}
