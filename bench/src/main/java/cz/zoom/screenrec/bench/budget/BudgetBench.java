package cz.zoom.screenrec.bench.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import cz.zoom.screenrec.bench.Machine;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.JavaLauncher;
import cz.zoom.screenrec.testkit.ManagedProcess;
import cz.zoom.screenrec.testkit.Poll;
import cz.zoom.screenrec.testkit.ProcessLogs;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.TempDirs;
import cz.zoom.screenrec.testkit.UploadMeter;
import cz.zoom.screenrec.testkit.VideoClips;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The upload budget and the bounded spool as a deployment sees them: the real server and Capture
 * Client on one Xvfb display with a real player, every byte the client sends to the Media Upload
 * Server counted on the wire ({@link UploadMeter}, TLS and HTTP included). Two phases:
 *
 * <ol>
 *   <li><b>budget</b>: the capture bench's (d) workload (a player window over office work) at the
 *       server's default 1000 kbit/s, then {@code PUT /api/v1/agents/{agent}/capture
 *       {"maxKbps":300}} mid-call: the highest 10 s on the wire before and after the change and how
 *       many seconds the change took to hold;
 *   <li><b>outage</b>: the (e) workload (full-screen video) at 2500 kbit/s with a small spool
 *       ({@code --spool-max-mb}) while the MUS refuses every connection for {@code
 *       --outage-seconds}: the spool's size over the outage against its cap, the {@code DISK_FULL}
 *       gap the recording shows after recovery, how long the backlog took and the wire while it
 *       drained.
 * </ol>
 *
 * <pre>
 * java -jar bench/target/screenrec-bench.jar budget [--phase-seconds 60] [--outage-seconds 600]
 *     [--spool-max-mb 64] [--outage-only] [--out bench/results/budget.json]
 * </pre>
 */
public final class BudgetBench {
  private static final long SEED = 20260101L;
  private static final int WIDTH = 1920;
  private static final int HEIGHT = 1080;

  private int phaseSeconds = 60;
  private int outageSeconds = 600;
  private int spoolMaxMb = 64;
  private boolean outageOnly;
  private Path out = Path.of("bench", "results", "budget.json");

  public static void main(String[] args) throws Exception {
    BudgetBench b = new BudgetBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--phase-seconds" -> b.phaseSeconds = Integer.parseInt(args[++i]);
        case "--outage-seconds" -> b.outageSeconds = Integer.parseInt(args[++i]);
        case "--spool-max-mb" -> b.spoolMaxMb = Integer.parseInt(args[++i]);
        case "--outage-only" -> b.outageOnly = true;
        case "--out" -> b.out = Path.of(args[++i]);
        case "-h", "--help" -> {
          System.out.println("see the class comment of " + BudgetBench.class.getName());
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    b.run();
  }

  private void run() throws Exception {
    Path work = Files.createTempDirectory("screenrec-budget-bench-");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("bench", "budget");
    result.put("date", Instant.now().toString());
    result.put(
        "machine",
        Map.of(
            "cores",
            Runtime.getRuntime().availableProcessors(),
            "loadAverage",
            Machine.loadAverage(),
            "java",
            System.getProperty("java.version")));
    try (XvfbDisplay display = XvfbDisplay.start(WIDTH, HEIGHT);
        UploadMeter meter = new UploadMeter();
        ServerProcess server =
            ServerProcess.builder()
                .arg("--max-upload-kbps", "1000")
                .arg("--public-url", "https://127.0.0.1:" + meter.port())
                .start()) {
      meter.forwardTo(server.httpPort());
      Path screenClip = clip(work, WIDTH, HEIGHT);
      if (!outageOnly) {
        result.put("budget", budgetPhase(display, server, meter, clip(work, 854, 480)));
      }
      result.put("outage", outagePhase(display, server, meter, screenClip));
    } finally {
      TempDirs.deleteQuietly(work);
    }
    String json =
        ScreenRecApi.JSON
            .copy()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(result);
    System.out.println(json);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, json + "\n");
    System.out.println("wrote " + out);
  }

  /** (d) at the server's default budget, then 300 kbit/s set at run time. */
  private Map<String, Object> budgetPhase(
      XvfbDisplay display, ServerProcess server, UploadMeter meter, Path clip) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    try (ManagedProcess load = workload(display, "window", clip);
        ClientProcess client =
            ClientProcess.builder("bench-budget").server(server).display(display).start()) {
      ScreenRecApi api = server.api();
      api.awaitAgent(client.agent(), Duration.ofSeconds(60));
      String callId = "call-" + UUID.randomUUID();
      String recordingId = api.startCall(callId, client.agent()).recordingId();
      long t0 = System.currentTimeMillis();
      Thread.sleep(phaseSeconds * 1000L);
      setMaxKbps(api, client.agent(), 300);
      long tc = System.currentTimeMillis();
      Thread.sleep(phaseSeconds * 1000L);
      long t1 = System.currentTimeMillis();
      api.endCall(callId);
      ScreenRecApi.Recording rec = api.awaitReady(recordingId, Duration.ofMinutes(10));
      // the first second after the change from which every 10 s on the wire keeps to 300 + 10 %
      int settled = 0;
      while (settled < phaseSeconds - 10
          && meter.peakKbps(tc + settled * 1000L, t1 - 10_000, 10_000) > 330) {
        settled++;
      }
      r.put("workload", "(d) 854x480 ffplay window over office work, 1920x1080, 5 fps");
      r.put("maxKbpsBefore", 1000);
      r.put("wireMax10sKbpsBefore", round(meter.peakKbps(t0, tc - 10_000, 10_000)));
      r.put("wireMeanKbpsBefore", round(meter.peakKbps(t0, t0 + 1, tc - t0)));
      r.put("maxKbpsAfter", 300);
      r.put("secondsUntilTheChangeHeld", settled);
      r.put(
          "wireMax10sKbpsAfter", round(meter.peakKbps(tc + settled * 1000L, t1 - 10_000, 10_000)));
      r.put("wireMeanKbpsAfter", round(meter.peakKbps(tc + 10_000, tc + 10_001, t1 - tc - 10_000)));
      r.put("recordingStatus", rec.status());
      r.put("segmentBytes", rec.segmentBytes());
      r.put("wireBytes", meter.bytes());
      log("budget phase: %s", r);
    }
    return r;
  }

  /** (e) at 2500 kbit/s with a small spool while the MUS is down. */
  private Map<String, Object> outagePhase(
      XvfbDisplay display, ServerProcess server, UploadMeter meter, Path clip) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    long cap = (long) spoolMaxMb << 20;
    try (ManagedProcess load = workload(display, "fullvideo", clip);
        ClientProcess client =
            ClientProcess.builder("bench-outage")
                .server(server)
                .display(display)
                .arg("--spool-max-mb", String.valueOf(spoolMaxMb))
                .start()) {
      ScreenRecApi api = server.api();
      api.awaitAgent(client.agent(), Duration.ofSeconds(60));
      setMaxKbps(api, client.agent(), 2500);
      meter.refuse(true);
      String callId = "call-" + UUID.randomUUID();
      String recordingId = api.startCall(callId, client.agent()).recordingId();
      long t0 = System.currentTimeMillis();
      List<long[]> spool = new ArrayList<>();
      long peak = 0;
      while (System.currentTimeMillis() < t0 + outageSeconds * 1000L) {
        long bytes = spoolBytes(client.spoolDir());
        spool.add(new long[] {(System.currentTimeMillis() - t0) / 1000, bytes});
        peak = Math.max(peak, bytes);
        Thread.sleep(1000);
      }
      meter.refuse(false);
      long tr = System.currentTimeMillis();
      Thread.sleep(60_000);
      api.endCall(callId);
      long ended = System.currentTimeMillis();
      ScreenRecApi.Recording rec = api.awaitReady(recordingId, Duration.ofMinutes(30));
      long ready = System.currentTimeMillis();
      List<Map<String, Object>> gaps = new ArrayList<>();
      // the server reads a recording's gaps from its segments once, in the background
      JsonNode media =
          Poll.until(
              "the gaps of call " + callId,
              Duration.ofMinutes(2),
              Duration.ofSeconds(1),
              () -> api.get("/api/v1/calls/" + callId + "/media").json(),
              m -> m.findValues("gaps").stream().anyMatch(g -> !g.isEmpty()));
      for (JsonNode s : media.path("screen")) {
        for (JsonNode g : s.path("gaps")) {
          Map<String, Object> gap = new LinkedHashMap<>();
          gap.put("reason", g.path("reason").asText());
          gap.put("fromSecond", round((g.path("from").asLong() - t0) / 1000.0));
          gap.put("seconds", round((g.path("to").asLong() - g.path("from").asLong()) / 1000.0));
          gaps.add(gap);
        }
      }
      r.put("workload", "(e) 1920x1080 ffplay full screen, 5 fps");
      r.put("maxKbps", 2500);
      r.put("outageSeconds", outageSeconds);
      r.put("spoolCapBytes", cap);
      r.put("spoolPeakBytes", peak);
      r.put("spoolPeakShareOfCap", round((double) peak / cap));
      r.put("spoolBytesEveryMinute", everyMinute(spool));
      r.put("gaps", gaps);
      r.put("secondsFromRecoveryToReady", round((ready - tr) / 1000.0));
      r.put("secondsFromCallEndToReady", round((ready - ended) / 1000.0));
      r.put("wireMax10sKbpsWhileDraining", round(meter.peakKbps(tr, ready - 10_000, 10_000)));
      r.put("recordingStatus", rec.status());
      r.put("segments", rec.segments().size());
      r.put("segmentBytes", rec.segmentBytes());
      log("outage phase: %s", r);
    }
    return r;
  }

  /** The agent's budget, changed at run time as an integrator would. */
  private static void setMaxKbps(ScreenRecApi api, String agent, int kbps) {
    ScreenRecApi.Response r =
        api.send(
            "PUT",
            "/api/v1/agents/" + agent + "/capture",
            "{\"maxKbps\":" + kbps + "}",
            api.token(),
            Map.of());
    if (r.status() != 200) {
      throw new IllegalStateException("budget change to " + kbps + " refused: " + r);
    }
  }

  /** Seconds into the outage and spool bytes, once a minute. */
  private static List<List<Long>> everyMinute(List<long[]> samples) {
    return samples.stream().filter(s -> s[0] % 60 == 0).map(s -> List.of(s[0], s[1])).toList();
  }

  private static Path clip(Path work, int width, int height) throws Exception {
    Path file = work.resolve("clip-" + width + "x" + height + ".mp4");
    log("making the %dx%d clip with FFmpeg", width, height);
    Process p =
        new ProcessBuilder(VideoClips.make(width, height, 20, file))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("clip.log").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "FFmpeg could not make the clip: " + work.resolve("clip.log"));
    }
    return file;
  }

  /** The capture bench's workload JVM, showing the player. */
  private static ManagedProcess workload(XvfbDisplay display, String kind, Path clip)
      throws Exception {
    List<String> cmd =
        JavaLauncher.command(
            System.getProperty("java.class.path"),
            List.of("-Djava.awt.headless=false", "-Djdk.gtk.version=3"),
            "cz.zoom.screenrec.bench.capture.CaptureWorkload",
            List.of(
                kind,
                String.valueOf(WIDTH),
                String.valueOf(HEIGHT),
                String.valueOf(SEED),
                clip.toString()));
    ManagedProcess p =
        ManagedProcess.start(
            "workload-" + kind, cmd, display.env(), ProcessLogs.newFile("budget-" + kind));
    try {
      Poll.until(
          "workload " + kind + " ready",
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> {
            if (!p.isAlive()) {
              throw new Poll.Abort("workload " + kind + " exited: " + p.logTail(20));
            }
            return p.logTail(50).lines().anyMatch("READY"::equals);
          });
      return p;
    } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
      p.close();
      throw e;
    }
  }

  private static long spoolBytes(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static void log(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
