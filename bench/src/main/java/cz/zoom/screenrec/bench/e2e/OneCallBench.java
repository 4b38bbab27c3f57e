package cz.zoom.screenrec.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import cz.zoom.screenrec.bench.Machine;
import cz.zoom.screenrec.bench.capture.CaptureWorkload;
import cz.zoom.screenrec.bench.replay.BrowserPlayback;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.JavaLauncher;
import cz.zoom.screenrec.testkit.ManagedProcess;
import cz.zoom.screenrec.testkit.Poll;
import cz.zoom.screenrec.testkit.ProcessCpu;
import cz.zoom.screenrec.testkit.ProcessLogs;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.TempDirs;
import cz.zoom.screenrec.testkit.VideoClips;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One call, end to end, with real processes: Xvfb, a server, a Capture Client and a desktop that
 * changes as an agent's does (the CRM-like {@link OfficeScreen}, or {@link CaptureWorkload}'s
 * office screen with a film playing in a window, or a full-screen film). Measures time from call
 * end to READY and the server's CPU per recorded agent-hour; bytes per recorded minute of the
 * capture format (the archive) and of the VP9 video the server encodes on request, with that
 * encode's CPU (what READY cost when every recording was encoded); client CPU per recorded minute
 * (net of the client's idle use); then the replay page in headless Chromium playing the recording
 * (pictures drawn and dropped, Chromium's CPU net of the paused page) beside the same page playing
 * the VP9 file in a {@code <video>}, and the page's pictures against the captured ones. Optionally
 * records the same desktop with ffmpeg's x11grab + VP9 for comparison. See bench/README.md.
 */
public final class OneCallBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** How often the bench asks for the recording's status after the call's end. */
  private static final Duration POLL = Duration.ofMillis(20);

  private int seconds = 60;
  private int idleSeconds = 20;
  private int warmupSeconds = 10;
  private Integer maxUploadKbps;
  private Integer fps;
  private String codec;
  private int width = 1920;
  private int height = 1080;
  private boolean x11grab;
  private String desktop = "office";
  private Double playRate;
  private Path out;

  public static void main(String[] args) throws Exception {
    OneCallBench b = new OneCallBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> b.seconds = Integer.parseInt(args[++i]);
        case "--idle-seconds" -> b.idleSeconds = Integer.parseInt(args[++i]);
        case "--warmup-seconds" -> b.warmupSeconds = Integer.parseInt(args[++i]);
        case "--max-upload-kbps" -> b.maxUploadKbps = Integer.parseInt(args[++i]);
        case "--fps" -> b.fps = Integer.parseInt(args[++i]);
        case "--codec" -> b.codec = args[++i];
        case "--size" -> {
          String[] wh = args[++i].split("x");
          b.width = Integer.parseInt(wh[0]);
          b.height = Integer.parseInt(wh[1]);
        }
        case "--x11grab" -> b.x11grab = true;
        case "--desktop" -> b.desktop = args[++i];
        case "--play-rate" -> b.playRate = Double.parseDouble(args[++i]);
        case "--out" -> b.out = Path.of(args[++i]);
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("unknown argument " + args[i]);
          usage();
          System.exit(2);
        }
      }
    }
    if (b.out == null) {
      b.out = defaultOut();
    }
    b.run();
  }

  static void usage() {
    System.out.println(
        """
        one-call [--seconds 60] [--idle-seconds 20] [--warmup-seconds 10] [--fps N]
                 [--codec vp9|h264|av1] [--size 1920x1080] [--max-upload-kbps N]
                 [--desktop office|window|fullvideo] [--play-rate 1|2] [--x11grab]
                 [--out bench/results/one-call.json]
          Xvfb + real server + real client; the desktop changes during a call of --seconds (office:
          the CRM screen; window: an office screen with a film in an 854x480 window; fullvideo: a
          film on the whole screen); prints call-end→READY time, the server's CPU per recorded
          agent-hour, bytes per recorded minute (capture format, VP9 on request) and client CPU per
          recorded minute, both net of their idle use (measured for --idle-seconds first, after a
          warm-up call of --warmup-seconds that takes the JIT's one-off work out); then plays the
          recording in the replay page in Chromium at --play-rate (default 1 for office, else 2)
          beside the VP9 file in a <video>, and compares the page's pictures with the captured.
          --x11grab also records the same desktop with ffmpeg x11grab + VP9 realtime for comparison.
          --fps, --codec and --max-upload-kbps are passed to the server (default: its defaults).""");
  }

  private static Path defaultOut() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bench").resolve("pom.xml"))) {
        return d.resolve("bench").resolve("results").resolve("one-call.json");
      }
    }
    return Path.of("one-call.json");
  }

  private void run() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    String adminPassword = "bench-" + UUID.randomUUID();
    ServerProcess.Builder sb = ServerProcess.builder().arg("--admin-password", adminPassword);
    if (fps != null) {
      sb.fps(fps);
    }
    if (codec != null) {
      sb.videoCodec(codec);
    }
    if (maxUploadKbps != null) {
      sb.arg("--max-upload-kbps", String.valueOf(maxUploadKbps));
    }
    String loadAtStart = Machine.loadAverage();
    log(
        "starting Xvfb "
            + width
            + "x"
            + height
            + ", server, CRM desktop, client (load average "
            + loadAtStart
            + ")");
    try (XvfbDisplay display = XvfbDisplay.start(width, height);
        ServerProcess server = sb.start();
        ManagedProcess desktop = startDesktop(display, seconds + idleSeconds + 600, this.desktop);
        ClientProcess client =
            ClientProcess.builder("bench-agent").server(server).display(display).start()) {
      ScreenRecApi api = server.api();
      api.awaitAgent("bench-agent", Duration.ofSeconds(90));
      if (warmupSeconds > 0) {
        // the first call in a JVM pays for class loading and JIT compilation, once per process
        log("client connected; a warm-up call of " + warmupSeconds + " s, not measured");
        String warmup = "bench-warmup-" + UUID.randomUUID();
        String warmupRecording = api.startCall(warmup, "bench-agent").recordingId();
        pause(Duration.ofSeconds(warmupSeconds));
        api.endCall(warmup);
        Poll.until(
            "warm-up recording READY",
            Duration.ofMinutes(5),
            Duration.ofMillis(100),
            () -> api.recording(warmupRecording),
            r -> "READY".equals(r.status()) || "FAILED".equals(r.status()));
      }
      log(
          "letting the processes settle, then measuring the client's and server's idle CPU for "
              + idleSeconds
              + " s");
      pause(Duration.ofSeconds(5));
      long idleCpu0 = cpuNanos(client.pid());
      JvmCpu serverIdle0 = JvmCpu.of(server.pid());
      long idleWall0 = System.nanoTime();
      pause(Duration.ofSeconds(idleSeconds));
      long idleWallNanos = System.nanoTime() - idleWall0;
      double idleCores = (double) (cpuNanos(client.pid()) - idleCpu0) / idleWallNanos;
      double serverIdleCores =
          (double) JvmCpu.of(server.pid()).workSince(serverIdle0) / idleWallNanos;

      String callId = "bench-" + UUID.randomUUID();
      long clientCpu0 = cpuNanos(client.pid());
      JvmCpu serverCpu0 = JvmCpu.of(server.pid());
      long wall0 = System.nanoTime();
      String recordingId = api.startCall(callId, "bench-agent").recordingId();
      log(
          "call "
              + callId
              + " started, recording "
              + recordingId
              + "; the desktop keeps changing for "
              + seconds
              + " s");
      pause(Duration.ofSeconds(seconds));
      long clientCpuAtEnd = cpuNanos(client.pid());
      JvmCpu serverCpuAtEnd = JvmCpu.of(server.pid());
      long wallEndSent = System.nanoTime();
      api.endCall(callId);
      long wallEnd = System.nanoTime();
      log("call ended; waiting for READY");

      Map<String, Long> statusSeenMs = new LinkedHashMap<>();
      int[] polls = {0};
      ScreenRecApi.Recording rec =
          Poll.until(
              "recording READY",
              Duration.ofMinutes(10),
              POLL,
              () -> {
                polls[0]++;
                return api.recording(recordingId);
              },
              r -> {
                statusSeenMs.putIfAbsent(r.status(), (System.nanoTime() - wallEndSent) / 1_000_000);
                return "READY".equals(r.status()) || "FAILED".equals(r.status());
              });
      long wallReady = System.nanoTime();
      long clientCpuReady = cpuNanos(client.pid());
      JvmCpu serverCpuReady = JvmCpu.of(server.pid());
      if (!"READY".equals(rec.status())) {
        throw new IllegalStateException(
            "recording FAILED: "
                + rec.failureReason()
                + System.lineSeparator()
                + server.logTail(40));
      }

      double pollCpuS = pollCostSeconds(api, server, recordingId, serverIdleCores) * polls[0];
      double recordedMin = (rec.endedAt() - rec.startedAt()) / 60_000.0;
      long segBytes = rec.segmentBytes();
      log("READY; asking for the video, which the server encodes on this first request");
      long encodeCpu0 = cpuNanos(server.pid());
      long encodeWall0 = System.nanoTime();
      ScreenRecApi.Response videoFile = api.video(recordingId, null);
      long encodeWall1 = System.nanoTime();
      long encodeCpu1 = cpuNanos(server.pid());
      if (videoFile.status() != 200) {
        throw new IllegalStateException("the video: " + videoFile);
      }
      rec = api.recording(recordingId);
      long videoBytes = rec.video().bytes();
      Map<String, Object> replay = replay(server, adminPassword, rec);
      double wallCallToReadyS = (wallReady - wall0) / 1e9;
      double clientRawS = (clientCpuReady - clientCpu0) / 1e9;
      double clientIdleS = idleCores * wallCallToReadyS;
      double clientNetS = clientRawS - clientIdleS;
      double clientDuringCallS = (clientCpuAtEnd - clientCpu0) / 1e9;
      double serverCallS = (serverCpuAtEnd.nanos() - serverCpu0.nanos()) / 1e9;
      double serverAfterS = (serverCpuReady.nanos() - serverCpuAtEnd.nanos()) / 1e9;
      double serverJitS =
          (serverCpuReady.nanos() - serverCpu0.nanos() - serverCpuReady.workSince(serverCpu0))
              / 1e9;
      double serverCallNetS =
          serverCpuAtEnd.workSince(serverCpu0) / 1e9
              - serverIdleCores * (wallEndSent - wall0) / 1e9;
      double serverAfterNetS =
          serverCpuReady.workSince(serverCpuAtEnd) / 1e9
              - serverIdleCores * (wallReady - wallEndSent) / 1e9
              - pollCpuS;

      result.put("bench", "one-call");
      result.put("when", Instant.now().toString());
      result.put(
          "machine",
          ordered(
              "cores",
              Runtime.getRuntime().availableProcessors(),
              "java",
              System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
              "os",
              System.getProperty("os.name") + " " + System.getProperty("os.version"),
              "loadAverageAtStart",
              loadAtStart,
              "loadAverageAtEnd",
              Machine.loadAverage()));
      result.put(
          "setup",
          ordered(
              "display",
              width + "x" + height,
              "fps",
              server.fps(),
              "codec",
              rec.video().codec(),
              "callSeconds",
              seconds,
              "idleBaselineSeconds",
              idleSeconds,
              "warmupCallSeconds",
              warmupSeconds,
              "maxUploadKbps",
              maxUploadKbps == null ? "server default" : maxUploadKbps,
              "desktop",
              DESKTOPS.get(this.desktop)));
      result.put(
          "recording",
          ordered(
              "id",
              recordingId,
              "recordedMs",
              rec.endedAt() - rec.startedAt(),
              "segments",
              rec.segments().size(),
              "videoDurationMs",
              rec.video().durationMs()));
      result.put("callEndToReadyMs", (wallReady - wallEnd) / 1_000_000);
      result.put("callEndRequestMs", (wallEnd - wallEndSent) / 1_000_000);
      result.put("statusFirstSeenAfterEndMs", statusSeenMs);
      if (statusSeenMs.containsKey("ENCODING")) {
        // ENCODING is "all segments in, being checked": what comes before it is the client's
        // upload of the final segment (paced to the agent's upload budget), what comes after the
        // server's own work
        long allIn = statusSeenMs.get("ENCODING");
        result.put(
            "callEndToReadySplitMs",
            ordered(
                "finalUpload",
                allIn,
                "segmentsInToReady",
                statusSeenMs.getOrDefault("READY", allIn) - allIn,
                "how",
                "first time the bench's 20-ms status poll saw ENCODING (all segments in) and READY"));
      }
      result.put(
          "captureFormat",
          ordered(
              "bytes",
              segBytes,
              "bytesPerRecordedMinute",
              Math.round(segBytes / recordedMin),
              "kbitPerSecond",
              round1(segBytes * 8 / 1000.0 / (recordedMin * 60))));
      result.put(
          "encodedVideo",
          ordered(
              "bytes",
              videoBytes,
              "bytesPerRecordedMinute",
              Math.round(videoBytes / recordedMin),
              "kbitPerSecond",
              round1(videoBytes * 8 / 1000.0 / (recordedMin * 60)),
              "encodeOnRequestCpuSeconds",
              round2((encodeCpu1 - encodeCpu0) / 1e9),
              "encodeOnRequestCpuSecondsPerRecordedMinute",
              round2((encodeCpu1 - encodeCpu0) / 1e9 / recordedMin),
              "encodeOnRequestWallMs",
              (encodeWall1 - encodeWall0) / 1_000_000,
              "how",
              "GET /api/v1/recordings/{id}/video after READY: 202 until the server has encoded it; "
                  + "the server JVM's CPU over that wait is what READY cost when every recording was encoded"));
      result.put(
          "clientCpu",
          ordered(
              "idleCores", round3(idleCores),
              "rawSecondsCallStartToReady", round2(clientRawS),
              "idleShareSeconds", round2(clientIdleS),
              "netSecondsPerRecordedMinute", round2(clientNetS / recordedMin),
              "rawSecondsPerRecordedMinute", round2(clientRawS / recordedMin),
              "duringCallCores", round3(clientDuringCallS / ((wallEndSent - wall0) / 1e9)),
              "how",
                  "utime+stime of the client JVM from /proc/<pid>/stat, call start to READY (uploads included), "
                      + "minus the client's idle rate (connected, not recording) over the same wall time"));
      result.put(
          "serverCpu",
          ordered(
              "idleCores", round3(serverIdleCores),
              "jitCompilerSecondsCallStartToReady", round2(serverJitS),
              "rawSecondsDuringCallPerRecordedMinute", round2(serverCallS / recordedMin),
              "rawSecondsCallEndToReady", round2(serverAfterS),
              "netSecondsDuringCallPerRecordedMinute", round2(serverCallNetS / recordedMin),
              "netSecondsCallEndToReady", round2(serverAfterNetS),
              "benchStatusPollsSubtracted", polls[0],
              "benchStatusPollSecondsSubtracted", round2(pollCpuS),
              "netSecondsPerRecordedAgentHour",
                  round2((serverCallNetS + serverAfterNetS) / recordedMin * 60),
              "rawSecondsPerRecordedAgentHour",
                  round2((serverCallS + serverAfterS) / recordedMin * 60),
              "how",
                  "utime+stime of the server JVM: during the call (control, uploads) and from call end to READY "
                      + "(the last uploads and the READY check); net = without the JIT compiler threads (a "
                      + "young JVM's one-off), the server's idle rate (one agent connected, not recording) over "
                      + "the same wall time and the bench's own status polls (their cost measured after READY, "
                      + "polling as often); raw = all of it; per agent-hour = the sum scaled to 60 recorded "
                      + "minutes"));
      result.put("replay", replay);
      if (x11grab) {
        result.put("x11grab", x11grab(display, server.fps()));
      }
      print(result);
      Files.createDirectories(out.toAbsolutePath().getParent());
      JSON.writeValue(out.toFile(), result);
      log("wrote " + out);
    }
  }

  /**
   * The server CPU one status poll of the bench costs, net of idle: polled as often as the wait for
   * READY polls, after it, so that this cost can be taken out of what call end → READY cost.
   */
  private static double pollCostSeconds(
      ScreenRecApi api, ServerProcess server, String recordingId, double idleCores)
      throws InterruptedException {
    int n = 200;
    JvmCpu cpu0 = JvmCpu.of(server.pid());
    long wall0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      api.recording(recordingId);
      pause(POLL);
    }
    double cpuS = JvmCpu.of(server.pid()).workSince(cpu0) / 1e9;
    return Math.max(0, cpuS - idleCores * (System.nanoTime() - wall0) / 1e9) / n;
  }

  /**
   * Records the same desktop with ffmpeg (x11grab, VP9 realtime) for the call's length: the
   * plain-recorder baseline.
   */
  private Map<String, Object> x11grab(XvfbDisplay display, int rate)
      throws IOException, InterruptedException {
    log(
        "recording the same desktop for "
            + seconds
            + " s with ffmpeg x11grab + VP9 realtime, for comparison");
    Path dir = TempDirs.create("screenrec-x11grab-");
    Path file = dir.resolve("x11grab.webm");
    Path log = ProcessLogs.newFile("ffmpeg-x11grab");
    List<String> cmd =
        List.of(
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-benchmark",
            "-f",
            "x11grab",
            "-framerate",
            String.valueOf(rate),
            "-video_size",
            width + "x" + height,
            "-i",
            display.name(),
            "-t",
            String.valueOf(seconds),
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-tune-content",
            "screen",
            "-row-mt",
            "1",
            "-crf",
            "35",
            "-b:v",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-y",
            file.toString());
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("ffmpeg x11grab did not finish; see " + log);
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m =
          Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s").matcher(out);
      if (p.exitValue() != 0 || !m.find()) {
        throw new IllegalStateException(
            "ffmpeg x11grab failed (exit " + p.exitValue() + "); see " + log);
      }
      double cpu = Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
      long bytes = Files.size(file);
      double minutes = seconds / 60.0;
      return ordered(
          "bytesPerRecordedMinute",
          Math.round(bytes / minutes),
          "kbitPerSecond",
          round1(bytes * 8 / 1000.0 / seconds),
          "cpuSecondsPerRecordedMinute",
          round2(cpu / minutes),
          "how",
          "ffmpeg -f x11grab -framerate "
              + rate
              + " | libvpx-vp9 realtime cpu-used 8 tune-content screen crf 35, "
              + "CPU from ffmpeg -benchmark (utime+stime): capture and encoding on the desktop, as a plain recorder does");
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }

  private static final Map<String, String> DESKTOPS =
      Map.of(
          "office",
          "OfficeScreen: CRM form, typing ~300 chars/min, caret, clock, table scroll every 8 s, tab switch (form + whole table) every 20 s",
          "window",
          "CaptureWorkload window: the CRM screen with ffplay playing a grainy 854x480 clip in the middle",
          "fullvideo",
          "CaptureWorkload fullvideo: ffplay playing a grainy clip over the whole screen");

  private ManagedProcess startDesktop(XvfbDisplay display, int lifetimeSeconds, String kind)
      throws Exception {
    if (!DESKTOPS.containsKey(kind)) {
      throw new IllegalArgumentException("--desktop office|window|fullvideo, not " + kind);
    }
    if (!kind.equals("office")) {
      return startWorkload(display, kind);
    }
    List<String> cmd =
        JavaLauncher.command(
            System.getProperty("java.class.path"),
            List.of("-Djava.awt.headless=false", "-Djdk.gtk.version=3", "-Xmx256m"),
            OfficeScreen.class.getName(),
            List.of(String.valueOf(lifetimeSeconds)));
    ManagedProcess p =
        ManagedProcess.start("desktop", cmd, display.env(), ProcessLogs.newFile("office-screen"));
    try {
      Poll.until(
          "the CRM window on " + display.name(),
          Duration.ofSeconds(30),
          Duration.ofMillis(100),
          () -> {
            if (!p.isAlive()) {
              throw new Poll.Abort("the desktop program exited: " + p.logTail(20));
            }
            return display.run(
                    List.of("xdotool", "search", "--onlyvisible", "--name", OfficeScreen.TITLE))
                == 0;
          });
    } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** The capture bench's workload with a film (made here with FFmpeg), as the desktop. */
  private ManagedProcess startWorkload(XvfbDisplay display, String kind) throws Exception {
    boolean window = kind.equals("window");
    int cw = window ? CaptureWorkload.WINDOW_WIDTH : width;
    int ch = window ? CaptureWorkload.WINDOW_HEIGHT : height;
    Path clip = TempDirs.create("screenrec-clip-").resolve("clip-" + cw + "x" + ch + ".mp4");
    Process make =
        new ProcessBuilder(VideoClips.make(cw, ch, 20, clip))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!make.waitFor(5, TimeUnit.MINUTES) || make.exitValue() != 0) {
      throw new IllegalStateException("ffmpeg could not make the clip " + clip);
    }
    List<String> cmd =
        JavaLauncher.command(
            System.getProperty("java.class.path"),
            List.of("-Djava.awt.headless=false", "-Xmx512m"),
            CaptureWorkload.class.getName(),
            List.of(kind, String.valueOf(width), String.valueOf(height), "1", clip.toString()));
    ManagedProcess p =
        ManagedProcess.start(
            "desktop", cmd, display.env(), ProcessLogs.newFile("workload-" + kind));
    try {
      Poll.until(
          "the " + kind + " desktop on " + display.name(),
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> {
            if (!p.isAlive()) {
              throw new Poll.Abort("the desktop program exited: " + p.logTail(20));
            }
            return p.logTail(20).contains("READY");
          });
    } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /**
   * The replay page playing the recording in Chromium, beside the VP9 file in a {@code <video>};
   * and the page's pictures at a few instants against the captured ones, decoded here.
   */
  private Map<String, Object> replay(
      ServerProcess server, String adminPassword, ScreenRecApi.Recording rec) throws Exception {
    double rate = playRate != null ? playRate : desktop.equals("office") ? 1 : 2;
    long recordedMs = rec.endedAt() - rec.startedAt();
    int playSeconds = (int) Math.max(5, Math.min(60, recordedMs / 1000 / rate - 2));
    log(
        "replaying in Chromium at "
            + rate
            + "x for "
            + playSeconds
            + " s, then the VP9 file alike");
    Map<String, Object> r = new LinkedHashMap<>();
    try (BrowserPlayback b =
        BrowserPlayback.signIn(server.httpUri().toString(), "admin", adminPassword)) {
      b.openCall(rec.callId());
      r.put(
          "capturePlayer",
          JSON.convertValue(b.playCapture(rec.startedAt(), rate, playSeconds), Map.class));
      r.put("pixels", pixels(b, server.api(), rec));
      r.put(
          "vp9InVideoElement",
          JSON.convertValue(
              b.playVideoElement(
                  "/replay/media/" + rec.clusterId() + "/recordings/" + rec.id() + "/video",
                  rate,
                  playSeconds),
              Map.class));
    }
    r.put(
        "how",
        "headless Chromium (--disable-gpu), window 1400x1000: the call page plays the capture segments "
            + "(worker + canvas) at the rate for the seconds; framesShown/droppedFrames are the page's "
            + "own counts; CPU is utime+stime of all Chromium processes (/proc) while playing, net of the "
            + "same page paused for as long; the anchor is the server's VP9 of the same recording in a "
            + "<video> of the same width, measured alike (getVideoPlaybackQuality for its frames)");
    return r;
  }

  /** The page's picture at four instants against the captured one, decoded from the segments. */
  private static Map<String, Object> pixels(
      BrowserPlayback b, ScreenRecApi api, ScreenRecApi.Recording rec) throws Exception {
    long offset =
        ScreenRecApi.JSON
            .readTree(api.get("api/v1/recordings/" + rec.id()).body())
            .path("clockOffsetMs")
            .asLong();
    long span = rec.endedAt() - rec.startedAt();
    List<Long> instants = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      instants.add(rec.startedAt() + span * i / 5 + 37);
    }
    // what the agent's screen showed at each instant: the newest frame at or before it
    Map<Long, int[]> captured = new LinkedHashMap<>();
    int[] shown = null;
    int next = 0;
    for (int s = 0; s < rec.segments().size() && next < instants.size(); s++) {
      byte[] bytes = api.get("api/v1/recordings/" + rec.id() + "/segments/" + s).body();
      try (SegmentReader reader = new SegmentReader(new ByteArrayInputStream(bytes))) {
        if (reader.header().screens().size() != 1) {
          throw new IllegalStateException("the pixel check knows one monitor");
        }
        for (SegmentEvent e = reader.next();
            e != null && next < instants.size();
            e = reader.next()) {
          if (e instanceof SegmentEvent.Frame f) {
            while (next < instants.size() && f.time() + offset > instants.get(next)) {
              captured.put(instants.get(next++), shown);
            }
            if (next < instants.size()) {
              shown = f.rgb().clone();
            }
          }
        }
      }
    }
    while (next < instants.size()) {
      captured.put(instants.get(next++), shown);
    }
    long wrong = 0;
    long total = 0;
    int exact = 0;
    for (Map.Entry<Long, int[]> e : captured.entrySet()) {
      BrowserPlayback.Picture p = b.pictureAt(e.getKey());
      int[] want = e.getValue();
      long bad = 0;
      for (int i = 0; i < want.length; i++) {
        int got =
            (p.rgb()[3 * i] & 0xFF) << 16
                | (p.rgb()[3 * i + 1] & 0xFF) << 8
                | (p.rgb()[3 * i + 2] & 0xFF);
        if (got != want[i]) {
          bad++;
        }
      }
      wrong += bad;
      total += want.length;
      exact += bad == 0 ? 1 : 0;
    }
    return ordered(
        "instants",
        instants.size(),
        "instantsExact",
        exact,
        "pixelsCompared",
        total,
        "pixelsDifferent",
        wrong,
        "how",
        "the page seeks to each instant (paused) and reads its canvas back; the captured picture is the "
            + "newest frame at or before it, decoded from the stored segments with the Java reader");
  }

  private static void print(Map<String, Object> r) {
    @SuppressWarnings("unchecked")
    Map<String, Object> setup = (Map<String, Object>) r.get("setup");
    @SuppressWarnings("unchecked")
    Map<String, Object> cap = (Map<String, Object>) r.get("captureFormat");
    @SuppressWarnings("unchecked")
    Map<String, Object> vid = (Map<String, Object>) r.get("encodedVideo");
    @SuppressWarnings("unchecked")
    Map<String, Object> cpu = (Map<String, Object>) r.get("clientCpu");
    @SuppressWarnings("unchecked")
    Map<String, Object> srv = (Map<String, Object>) r.get("serverCpu");
    @SuppressWarnings("unchecked")
    Map<String, Object> rec = (Map<String, Object>) r.get("recording");
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "setup",
          setup.get("display")
              + " @ "
              + setup.get("fps")
              + " fps, "
              + setup.get("codec")
              + ", call "
              + setup.get("callSeconds")
              + " s, recorded "
              + rec.get("recordedMs")
              + " ms in "
              + rec.get("segments")
              + " segments"
        });
    rows.add(
        new String[] {
          "call end → READY",
          r.get("callEndToReadyMs")
              + " ms  (statuses first seen after end: "
              + r.get("statusFirstSeenAfterEndMs")
              + ")"
        });
    if (r.get("callEndToReadySplitMs") instanceof Map<?, ?> split) {
      rows.add(
          new String[] {
            "  of which",
            split.get("finalUpload")
                + " ms the client uploading the final segment, "
                + split.get("segmentsInToReady")
                + " ms all segments in → READY"
          });
    }
    rows.add(
        new String[] {
          "capture format",
          String.format(
              "%,d bytes/recorded min  (%s kbit/s)",
              ((Number) cap.get("bytesPerRecordedMinute")).longValue(), cap.get("kbitPerSecond"))
        });
    rows.add(
        new String[] {
          "encoded video",
          String.format(
              "%,d bytes/recorded min  (%s kbit/s)",
              ((Number) vid.get("bytesPerRecordedMinute")).longValue(), vid.get("kbitPerSecond"))
        });
    rows.add(
        new String[] {
          "client CPU",
          cpu.get("netSecondsPerRecordedMinute")
              + " s/recorded min net of idle  (raw "
              + cpu.get("rawSecondsPerRecordedMinute")
              + " s/min; idle "
              + cpu.get("idleCores")
              + " cores; during call "
              + cpu.get("duringCallCores")
              + " cores)"
        });
    rows.add(
        new String[] {
          "server CPU",
          srv.get("netSecondsPerRecordedAgentHour")
              + " s/recorded agent-hour net of idle  (net "
              + srv.get("netSecondsDuringCallPerRecordedMinute")
              + " s/min during the call, "
              + srv.get("netSecondsCallEndToReady")
              + " s call end → READY; idle "
              + srv.get("idleCores")
              + " cores; JIT compiler "
              + srv.get("jitCompilerSecondsCallStartToReady")
              + " s; raw "
              + srv.get("rawSecondsPerRecordedAgentHour")
              + " s/agent-hour)"
        });
    rows.add(
        new String[] {
          "video on request",
          vid.get("encodeOnRequestCpuSecondsPerRecordedMinute")
              + " server CPU s/recorded min, "
              + vid.get("encodeOnRequestWallMs")
              + " ms"
        });
    if (r.get("x11grab") instanceof Map<?, ?> x) {
      rows.add(
          new String[] {
            "ffmpeg x11grab+VP9",
            String.format(
                "%,d bytes/min (%s kbit/s), %s CPU s/min",
                ((Number) x.get("bytesPerRecordedMinute")).longValue(),
                x.get("kbitPerSecond"),
                x.get("cpuSecondsPerRecordedMinute"))
          });
    }
    int w = rows.stream().mapToInt(a -> a[0].length()).max().orElse(10);
    System.out.println();
    System.out.println("ScreenRec one-call bench");
    for (String[] row : rows) {
      System.out.printf("  %-" + w + "s  %s%n", row[0], row[1]);
    }
    System.out.println("  client CPU: " + cpu.get("how"));
    System.out.println();
  }

  private static long cpuNanos(long pid) {
    return ProcessCpu.of(pid).toNanos();
  }

  /** A bench is a program, not a test: waiting out a measured interval is the measurement. */
  /** A JVM's CPU so far, and what its JIT compiler threads used of it. */
  private record JvmCpu(long nanos, Map<Long, Long> compilerNanos) {
    static JvmCpu of(long pid) {
      return new JvmCpu(cpuNanos(pid), ProcessCpu.compilerThreadNanos(pid));
    }

    /** CPU used since {@code before}, without the JIT compiler's. */
    long workSince(JvmCpu before) {
      return nanos
          - before.nanos
          - ProcessCpu.compilerNanosBetween(before.compilerNanos, compilerNanos);
    }
  }

  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  private static void log(String s) {
    System.err.println("[one-call] " + s);
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
