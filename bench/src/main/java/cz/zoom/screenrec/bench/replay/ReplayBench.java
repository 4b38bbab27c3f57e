package cz.zoom.screenrec.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.bench.Machine;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.TestTrust;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Replay figures: time from clicking play to the first picture, and from a seek to the picture
 * there, for a long call in the replay UI (headless Chromium over the DevTools protocol; the page
 * plays the capture segments), and export time per recorded minute (which includes encoding the
 * recording's video, made on this first request). The call's pictures are synthesised cheaply, but
 * it is recorded through the real control protocol, MUS, encoder and audio API and in real time, as
 * the server plays only what it observed ({@link SyntheticCall}); see bench/README.md.
 */
public final class ReplayBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  int minutes = 30;
  int fps = 1;
  int runs = 5;
  String codec;
  Path out;

  public static void main(String[] args) throws Exception {
    ReplayBench b = new ReplayBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> b.minutes = Integer.parseInt(args[++i]);
        case "--fps" -> b.fps = Integer.parseInt(args[++i]);
        case "--runs" -> b.runs = Integer.parseInt(args[++i]);
        case "--codec" -> b.codec = args[++i];
        case "--out" -> b.out = Path.of(args[++i]);
        case "-h", "--help" -> {
          System.out.println(
              """
              usage: ReplayBench [--minutes 30] [--fps 1] [--runs 5] [--codec vp9|h264|av1]
                                 [--out bench/results/replay.json]""");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (b.out == null) {
      b.out =
          Files.isDirectory(Path.of("bench", "results"))
              ? Path.of("bench", "results", "replay.json")
              : Path.of("replay.json");
    }
    b.run();
    System.exit(0);
  }

  void run() throws Exception {
    String load0 = Machine.loadAverage();
    String password = "bench-" + UUID.randomUUID();
    ServerProcess.Builder sb =
        ServerProcess.builder()
            .fps(fps)
            .arg("--admin-password", password)
            .startTimeout(Duration.ofMinutes(2));
    if (codec != null) {
      sb.videoCodec(codec);
    }
    ObjectNode result =
        JSON.createObjectNode().put("bench", "replay").put("when", Instant.now().toString());
    try (ServerProcess server = sb.start()) {
      long durationMs = minutes * 60_000L;
      System.out.printf(
          "recording a %d-minute call at %d fps through the control protocol and MUS, in real time:"
              + " each segment is uploaded once its capture time has passed...%n",
          minutes, fps);
      SyntheticCall.Made call =
          SyntheticCall.recordInRealTime(
              server, "bench-agent", "bench-call-" + UUID.randomUUID(), durationMs, fps, 10_000);
      byte[] wav = SyntheticCall.audio(durationMs);
      long a0 = System.nanoTime();
      ScreenRecApi.Response put =
          server
              .api()
              .sendBytes(
                  "PUT",
                  server
                      .api()
                      .resolve(
                          "api/v1/calls/"
                              + call.callId()
                              + "/audio?startedAt="
                              + call.startedAt()
                              + "&format=wav"),
                  HttpRequest.BodyPublishers.ofByteArray(wav),
                  server.apiToken(),
                  Map.of("Content-Type", "audio/wav"));
      double audioPutMs = (System.nanoTime() - a0) / 1e6;
      if (put.status() != 201) {
        throw new IllegalStateException("audio refused: " + put);
      }
      System.out.printf(
          "call ready: %d segments, video %d bytes; measuring the UI (%d runs)...%n",
          call.segments(), call.videoBytes(), runs);

      List<ObjectNode> ui = new ArrayList<>();
      try (Cdp browser = Cdp.launch()) {
        String base = server.httpUri().toString().replaceAll("/$", "");
        browser.navigate(base + "/replay/login");
        browser.until("document.readyState === 'complete'", Duration.ofSeconds(30));
        JsonNode login =
            browser.eval(
                "fetch('/replay/api/login', {method: 'POST', headers: {'Content-Type': "
                    + "'application/json'}, body: JSON.stringify({username: 'admin', password: '"
                    + password
                    + "'})})"
                    + ".then(r => r.status)");
        if (login.asInt() != 200) {
          throw new IllegalStateException("login answered " + login);
        }
        for (int i = 0; i < runs; i++) {
          ui.add(measureUi(browser, base + "/replay/calls/" + call.callId(), call));
          System.out.printf("  run %d: %s%n", i + 1, ui.get(i));
        }
      }

      ObjectNode export = measureExport(server, password, call);
      result.set(
          "machine",
          JSON.valueToTree(
              Map.of(
                  "cores",
                  Runtime.getRuntime().availableProcessors(),
                  "java",
                  ManagementFactory.getRuntimeMXBean().getVmName()
                      + " "
                      + System.getProperty("java.version"),
                  "os",
                  System.getProperty("os.name") + " " + System.getProperty("os.version"),
                  "chromium",
                  Path.of(Cdp.CHROMIUM).getFileName().toString(),
                  "loadAverageAtStart",
                  load0,
                  "loadAverageAtEnd",
                  Machine.loadAverage())));
      ObjectNode setup = result.putObject("call");
      setup
          .put("minutes", minutes)
          .put("fps", fps)
          .put("screen", SyntheticCall.WIDTH + "x" + SyntheticCall.HEIGHT)
          .put(
              "content",
              "a 240x240 block moving every 5 s on a plain background; audio 8 kHz PCM WAV with a beep every 5 s")
          .put("segments", call.segments())
          .put("segmentBytes", call.segmentBytes())
          .put("videoBytes", call.videoBytes())
          .put("audioWavBytes", wav.length)
          .put("synthesiseMs", round(call.synthesiseMs()))
          .put("uploadMs", round(call.uploadMs()))
          .put("lastSegmentToReadyMs", round(call.endToReadyMs()))
          .put("audioPutMs", round(audioPutMs));
      ArrayNode runsNode = result.putArray("uiRuns");
      ui.forEach(runsNode::add);
      ObjectNode summary = result.putObject("summary");
      summary.set("openToReadyMs", stats(ui, "openToReadyMs"));
      summary.set("playToFirstFrameMs", stats(ui, "playToFirstFrameMs"));
      summary.set("seekToFrameMs", stats(ui, "seekToFrameMs"));
      result.set("export", export);
      Files.createDirectories(out.toAbsolutePath().getParent());
      JSON.writeValue(out.toFile(), result);
      print(result);
      System.out.println("written to " + out);
    }
  }

  /**
   * One fresh opening of the call page: navigation until the page has the call and its players,
   * then a click on play until the screen draws its first picture with the clock running, then a
   * seek to the middle until the picture there is drawn.
   */
  ObjectNode measureUi(Cdp b, String url, SyntheticCall.Made call) throws Exception {
    // from a blank page, so the wait below cannot see the previous call page
    b.navigate("about:blank");
    b.until("location.href === 'about:blank'", Duration.ofSeconds(30));
    b.navigate(url);
    b.until(
        "location.href.indexOf('/replay/calls/') > 0 && document.body && document.body.dataset.ready === 'true' "
            + "&& !!window.replay",
        Duration.ofSeconds(60));
    // measured by the page itself from the start of its navigation
    double openMs = b.eval("window.replay.readyAtMs").asDouble();
    // what kept a slow opening waiting (a resource, or the page's own requests queued behind
    // others)
    JsonNode slow =
        b.eval(
            "JSON.stringify([...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]"
                + ".filter(e => e.duration > 1000).map(e => ({name: e.name.replace(location.origin, ''), start: Math.round(e.startTime),"
                + " duration: Math.round(e.duration), waiting: Math.round((e.requestStart || e.startTime) - e.startTime)}))) ");
    // the page's own measures (Player.metrics): play → the first picture drawn with the clock
    // running, seek → the picture of the new instant drawn
    JsonNode play =
        b.eval(
            """
        new Promise((resolve) => {
          const start = performance.now();
          document.getElementById('play').click();
          const poll = () => {
            const m = window.replay.metrics;
            if (m.playToFirstFrameMs != null) {
              resolve({firstFrame: m.playToFirstFrameMs, clickToScript: performance.now() - start});
            } else if (performance.now() - start > 30000) {
              resolve({timeout: true});
            } else {
              requestAnimationFrame(poll);
            }
          };
          poll();
        })""");
    b.eval("window.replay.pause(), true");
    long mid = call.startedAt() + call.durationMs() / 2;
    JsonNode seek =
        b.eval(
            """
        new Promise((resolve) => {
          const start = performance.now();
          window.replay.seek(%d);
          const poll = () => {
            const m = window.replay.metrics;
            if (m.seekToFrameMs != null) {
              resolve({frame: m.seekToFrameMs, landed: window.replay.videoAbsMs()});
            } else if (performance.now() - start > 30000) {
              resolve({timeout: true});
            } else {
              requestAnimationFrame(poll);
            }
          };
          poll();
        })"""
                .formatted(mid));
    ObjectNode r = JSON.createObjectNode();
    r.put("openToReadyMs", round(openMs));
    if (!slow.asText("[]").equals("[]")) {
      r.set("slowRequests", JSON.readTree(slow.asText()));
    }
    r.put("playToFirstFrameMs", round(play.path("firstFrame").asDouble(-1)));
    r.put("seekToFrameMs", round(seek.path("frame").asDouble(-1)));
    r.put(
        "seekLandedAtS",
        round((seek.path("landed").asDouble(call.startedAt()) - call.startedAt()) / 1000));
    if (play.path("timeout").asBoolean(false) || seek.path("timeout").asBoolean(false)) {
      r.put("timeout", true);
    }
    return r;
  }

  ObjectNode measureExport(ServerProcess server, String password, SyntheticCall.Made call)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(TestTrust.sslContext()).build();
    URI base = server.httpUri();
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(base.resolve("/replay/api/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"" + password + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String cookie =
        login.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("SR_SESSION="))
            .map(c -> c.split(";", 2)[0])
            .findFirst()
            .orElseThrow();
    String csrf = JSON.readTree(login.body()).path("csrfToken").asText();
    long t0 = System.nanoTime();
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(base.resolve("/replay/api/calls/" + call.callId() + "/export"))
                .header("Cookie", cookie)
                .header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      throw new IllegalStateException(
          "export refused: " + started.statusCode() + " " + started.body());
    }
    String id = JSON.readTree(started.body()).path("exportId").asText();
    JsonNode status;
    while (true) {
      status =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(base.resolve("/replay/api/exports/" + id))
                          .header("Cookie", cookie)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String state = status.path("state").asText();
      if (state.equals("DONE") || state.equals("FAILED")) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    ObjectNode r =
        JSON.createObjectNode()
            .put("state", status.path("state").asText())
            .put("totalMs", round(ms))
            .put("msPerRecordedMinute", round(ms / (call.durationMs() / 60_000.0)));
    if ("DONE".equals(status.path("state").asText())) {
      Path file = Files.createTempFile("screenrec-bench-export-", ".bin");
      try {
        HttpResponse<Path> f =
            http.send(
                HttpRequest.newBuilder(base.resolve("/replay/api/exports/" + id + "/file"))
                    .header("Cookie", cookie)
                    .build(),
                HttpResponse.BodyHandlers.ofFile(file));
        r.put("bytes", Files.size(f.body()));
        r.put("contentType", f.headers().firstValue("Content-Type").orElse(""));
        VideoProbe.Info info = VideoProbe.probe(file);
        r.put("durationMs", info.durationMs())
            .put("videoCodec", info.codecName())
            .put("container", info.formatName());
      } finally {
        Files.deleteIfExists(file);
      }
    } else {
      r.put("error", status.path("error").asText());
    }
    return r;
  }

  private static ObjectNode stats(List<ObjectNode> runs, String field) {
    ObjectNode s = JSON.createObjectNode();
    if (runs.isEmpty()) {
      return s;
    }
    s.put("firstRun", runs.get(0).path(field).asDouble());
    List<Double> rest = runs.stream().skip(1).map(r -> r.path(field).asDouble()).sorted().toList();
    if (!rest.isEmpty()) {
      DoubleSummaryStatistics st =
          rest.stream().mapToDouble(Double::doubleValue).summaryStatistics();
      s.put("laterMedian", round(rest.get(rest.size() / 2)))
          .put("laterMin", round(st.getMin()))
          .put("laterMax", round(st.getMax()));
    }
    return s;
  }

  private void print(ObjectNode r) {
    ObjectNode s = (ObjectNode) r.get("summary");
    ObjectNode c = (ObjectNode) r.get("call");
    ObjectNode e = (ObjectNode) r.get("export");
    System.out.println();
    System.out.printf(
        "replay of a %d-minute call (%s, %d fps, %d segments, %.1f MB of capture format)%n",
        minutes,
        c.get("screen").asText(),
        fps,
        c.get("segments").asInt(),
        c.get("segmentBytes").asLong() / 1e6);
    System.out.printf(
        "  %-38s %10s %14s %10s %10s%n", "", "first run", "later median", "min", "max");
    for (String k : List.of("openToReadyMs", "playToFirstFrameMs", "seekToFrameMs")) {
      JsonNode x = s.get(k);
      System.out.printf(
          "  %-38s %10.0f %14.0f %10.0f %10.0f%n",
          k,
          x.path("firstRun").asDouble(),
          x.path("laterMedian").asDouble(),
          x.path("laterMin").asDouble(),
          x.path("laterMax").asDouble());
    }
    System.out.printf(
        "  %-38s %s in %.1f s = %.0f ms per recorded minute (%s, %.1f MB)%n",
        "export",
        e.path("state").asText(),
        e.path("totalMs").asDouble() / 1000,
        e.path("msPerRecordedMinute").asDouble(),
        e.path("contentType").asText(),
        e.path("bytes").asLong() / 1e6);
    System.out.printf(
        "  %-38s synthesise %.1f s, upload %.1f s, last segment to READY %.1f s, audio PUT %.1f s%n",
        "making the call",
        c.get("synthesiseMs").asDouble() / 1000,
        c.get("uploadMs").asDouble() / 1000,
        c.get("lastSegmentToReadyMs").asDouble() / 1000,
        c.get("audioPutMs").asDouble() / 1000);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
