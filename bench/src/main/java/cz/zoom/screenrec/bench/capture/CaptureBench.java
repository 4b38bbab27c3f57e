package cz.zoom.screenrec.bench.capture;

import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.testkit.ProcessCpu;
import cz.zoom.screenrec.testkit.VideoClips;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Our capture path against FFmpeg's x11grab + libx264 (ultrafast, crf 23) and + libvpx-vp9
 * (realtime, cpu-used 8), on one Xvfb display with three scripted workloads ({@link
 * CaptureWorkload}: office, scroll, video). docs/capture-performance.md explains the method and the
 * results.
 *
 * <p>Per workload, each run restarts the workload so every recorder sees the same sequence:
 *
 * <ol>
 *   <li>baseline: the workload alone, for the X server's own CPU;
 *   <li>CPU and bytes: ours ({@link CaptureProbe}, a separate JVM), x264, VP9, each for {@code
 *       --seconds}; process CPU from /proc (FFmpeg's through its parent shell's cutime), the X
 *       server's CPU over the same window, bytes of the files written;
 *   <li>fidelity, for {@code --verify-seconds}: ours checks every capture against an independent
 *       full grab taken with the X server held and proves the decoded segments equal the captures
 *       (CRC); FFmpeg writes a lossless copy (libx264rgb, qp 0) of the same grabbed frames next to
 *       its encode, and both are decoded and compared pixel by pixel.
 * </ol>
 *
 * <pre>
 * java -cp 'bench/target/screenrec-bench.jar:bench/target/lib/*' cz.zoom.screenrec.bench.capture.CaptureBench
 *     [--seconds 60] [--verify-seconds 20] [--fps 5] [--size 1920x1080] [--workloads office,video@2500,window@300]
 *     [--max-kbps 1000] [--segment-ms 60000] [--keyframe-ms 60000] [--out bench/results/capture.json]
 * </pre>
 */
public final class CaptureBench {
  private static final long SEED = 20260101L;

  private int seconds = 60;
  private int verifySeconds = 20;
  private int fps = 5;
  private int width = 1920;
  private int height = 1080;
  private long segmentMs = 60_000;
  private long keyframeMs = 60_000;

  /**
   * Workload names, each with an optional budget ({@code window@300}): full-screen video gets the
   * 2,500 kbit/s a deployment gives a large-screen agent, the rest the server's default.
   */
  private List<String> workloads =
      List.of("office", "scroll", "video@2500", "window", "fullvideo@2500", "window@300");

  /** The budget of a workload named without one: the server's default. */
  private int maxKbps = 1000;

  private Path out = Path.of("bench", "results", "capture.json");
  private XvfbDisplay display;
  private Path work;
  private final String classpath = System.getProperty("java.class.path");

  /** One recorder's figures on one workload. */
  record Row(
      String workload,
      String recorder,
      double cpuSeconds,
      double xCpuSeconds,
      double seconds,
      long bytes,
      double exactShare,
      double psnr,
      long comparedFrames,
      String note,
      double windowPsnr,
      double outsideExactShare,
      double peakKbps10s) {
    double cpuPerMinute() {
      return cpuSeconds * 60 / seconds;
    }

    double xPerMinute() {
      return xCpuSeconds * 60 / seconds;
    }

    double bytesPerMinute() {
      return bytes * 60 / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    CaptureBench b = new CaptureBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> b.seconds = Integer.parseInt(args[++i]);
        case "--verify-seconds" -> b.verifySeconds = Integer.parseInt(args[++i]);
        case "--fps" -> b.fps = Integer.parseInt(args[++i]);
        case "--size" -> {
          String[] wh = args[++i].split("x");
          b.width = Integer.parseInt(wh[0]);
          b.height = Integer.parseInt(wh[1]);
        }
        case "--workloads" -> b.workloads = List.of(args[++i].split(","));
        case "--max-kbps" -> b.maxKbps = Integer.parseInt(args[++i]);
        case "--segment-ms" -> b.segmentMs = Long.parseLong(args[++i]);
        case "--keyframe-ms" -> b.keyframeMs = Long.parseLong(args[++i]);
        case "--out" -> b.out = Path.of(args[++i]);
        case "-h", "--help" -> {
          System.out.println(
              "see the class comment of "
                  + CaptureBench.class.getName()
                  + " and docs/capture-performance.md");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.setProperty("java.awt.headless", "true");
    b.run();
    System.exit(0);
  }

  private void run() throws Exception {
    work = Files.createTempDirectory("screenrec-capture-bench-");
    display = XvfbDisplay.start(width, height);
    List<Row> rows = new ArrayList<>();
    Map<String, Double> baselines = new LinkedHashMap<>();
    try {
      for (String spec : workloads) {
        String w = workloadName(spec);
        int kbps = spec.contains("@") ? Integer.parseInt(spec.substring(w.length() + 1)) : maxKbps;
        // FFmpeg has no budget: a workload seen before under another budget is not rerun for it
        boolean firstOfWorkload = !baselines.containsKey(w);
        if (firstOfWorkload) {
          baselines.put(w, baseline(w));
        }
        double base = baselines.get(w);
        Row ours = ours(spec, kbps);
        rows.add(withFidelity(ours, oursFidelity(spec, kbps), base));
        if (firstOfWorkload) {
          Row x264 = ffmpeg(w, "x264");
          Row vp9 = ffmpeg(w, "vp9");
          rows.add(withFidelity(x264, ffmpegFidelity(w, "x264"), base));
          rows.add(withFidelity(vp9, ffmpegFidelity(w, "vp9"), base));
        }
        print(rows);
      }
    } finally {
      display.close();
    }
    writeJson(rows, baselines);
    deleteTree(work);
  }

  private Row withFidelity(Row r, double[] f, double baselineXPerSecond) {
    double xCpu = Math.max(0, r.xCpuSeconds() - baselineXPerSecond * r.seconds());
    return new Row(
        r.workload(),
        r.recorder(),
        r.cpuSeconds(),
        xCpu,
        r.seconds(),
        r.bytes(),
        f[0],
        f[1],
        (long) f[2],
        r.note(),
        f.length > 3 ? f[3] : Double.NaN,
        f.length > 4 ? f[4] : Double.NaN,
        r.peakKbps10s());
  }

  /**
   * The moving part of a workload's screen, where lossy coding is allowed: x, y, width, height;
   * null for text workloads, which must stay exact everywhere.
   */
  private int[] movingRect(String w) {
    return switch (w) {
      case "window" -> CaptureWorkload.window(width, height);
      case "video", "fullvideo" -> new int[] {0, 0, width, height};
      default -> null;
    };
  }

  /** The workload's clip, made once per run with FFmpeg (see {@link CaptureWorkload}). */
  Path clip(String w) throws Exception {
    int cw = w.equals("window") ? CaptureWorkload.WINDOW_WIDTH : width;
    int ch = w.equals("window") ? CaptureWorkload.WINDOW_HEIGHT : height;
    Path file = work.resolve("clip-" + cw + "x" + ch + ".mp4");
    if (!Files.exists(file)) {
      log("making the %dx%d clip with FFmpeg", cw, ch);
      runMeasured(VideoClips.make(cw, ch, 20, file), work.resolve("clip.log"));
    }
    return file;
  }

  // ---- runs

  /** The X server's CPU per second with the workload alone. */
  private double baseline(String w) throws Exception {
    try (Workload load = Workload.start(this, w)) {
      long x0 = cpuNanos(display.pid());
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double x = (cpuNanos(display.pid()) - x0) / 1e9;
      double s = (System.nanoTime() - t0) / 1e9;
      log("%s baseline: X server %.2f s CPU in %.0f s", w, x, s);
      return x / s;
    }
  }

  /** The workload of a spec such as {@code window@300}. */
  static String workloadName(String spec) {
    int at = spec.indexOf('@');
    return at < 0 ? spec : spec.substring(0, at);
  }

  private Row ours(String spec, int kbps) throws Exception {
    String w = workloadName(spec);
    Path dir = work.resolve(spec + "-ours");
    try (Workload load = Workload.start(this, w);
        Probe probe = Probe.start(this, dir, false, kbps)) {
      long x0 = cpuNanos(display.pid());
      long c0 = cpuNanos(probe.pid());
      long t0 = System.nanoTime();
      probe.send("GO");
      Thread.sleep(seconds * 1000L);
      String result = probe.stop();
      double cpu = (cpuNanos(probe.pid()) - c0) / 1e9;
      double x = (cpuNanos(display.pid()) - x0) / 1e9;
      double s = (System.nanoTime() - t0) / 1e9;
      long bytes = segmentBytes(dir);
      int[] frames = countFrames(dir);
      String note =
          probe.source
              + "; "
              + frames[0]
              + " frames written ("
              + frames[1]
              + " key) of "
              + (int) (s * fps)
              + " ticks; "
              + result;
      log("%s ours: %.2f s CPU, X %.2f s, %d bytes, %s", spec, cpu, x, bytes, note);
      double peak = peakKbps10s(dir);
      log("%s ours: highest 10 s average %.1f kbit/s", spec, peak);
      return new Row(
          spec, "screenrec", cpu, x, s, bytes, 0, 0, 0, note, Double.NaN, Double.NaN, peak);
    }
  }

  private Row ffmpeg(String w, String codec) throws Exception {
    Path file = work.resolve(w + "-" + codec + (codec.equals("x264") ? ".mp4" : ".webm"));
    try (Workload load = Workload.start(this, w)) {
      List<String> cmd = new ArrayList<>(grabArgs(seconds));
      cmd.addAll(encodeArgs(codec));
      cmd.add(file.toString());
      long x0 = cpuNanos(display.pid());
      long t0 = System.nanoTime();
      double cpu = runMeasured(cmd, work.resolve(w + "-" + codec + ".log"));
      double x = (cpuNanos(display.pid()) - x0) / 1e9;
      double s = (System.nanoTime() - t0) / 1e9;
      long bytes = Files.size(file);
      log("%s %s: %.2f s CPU, X %.2f s, %d bytes", w, codec, cpu, x, bytes);
      // FFmpeg records exactly --seconds of input; its start-up is in the CPU figure
      return new Row(
          w,
          "ffmpeg-" + codec,
          cpu,
          x,
          seconds,
          bytes,
          0,
          0,
          0,
          String.join(" ", cmd.subList(0, cmd.size() - 1)),
          Double.NaN,
          Double.NaN,
          Double.NaN);
    }
  }

  private List<String> grabArgs(int duration) {
    return List.of(
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "x11grab",
        "-framerate",
        // -t before -i limits the input, so every output of the run ends with it
        String.valueOf(fps),
        "-video_size",
        width + "x" + height,
        "-draw_mouse",
        "0",
        "-t",
        String.valueOf(duration),
        "-i",
        display.name() + ".0+0,0");
  }

  private static List<String> encodeArgs(String codec) {
    return codec.equals("x264")
        ? List.of("-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p")
        : List.of(
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-crf",
            "35",
            "-b:v",
            "0",
            "-row-mt",
            "1",
            "-pix_fmt",
            "yuv420p");
  }

  /**
   * Decodes our segments and compares every frame with the capture it was made from (the first
   * capture taken at or after the frame's time): exact share and PSNR over the whole screen, and
   * for workloads with a moving part, PSNR inside it and the exact share outside it. Returns exact
   * share, PSNR (dB, +inf when identical), frames compared, moving-part PSNR, outside exact share.
   */
  private double[] oursFidelity(String spec, int kbps) throws Exception {
    String w = workloadName(spec);
    Path dir = work.resolve(spec + "-ours-verify");
    try (Workload load = Workload.start(this, w);
        Probe probe = Probe.start(this, dir, true, kbps)) {
      probe.send("GO");
      Thread.sleep(verifySeconds * 1000L);
      String result = probe.stop();
      long pixels = longField(result, "verifiedPixels");
      long exact = longField(result, "exactPixels");
      long captures = longField(result, "verifiedCaptures");
      log(
          "%s ours verify: %d captures, %.4f%% equal to the held-server reference",
          spec, captures, 100.0 * exact / pixels);
      if (exact != pixels) {
        throw new IllegalStateException(w + ": damage tracking missed pixels");
      }
    }
    int[] rect = movingRect(w);
    long total = 0;
    long exactAll = 0;
    double sqAll = 0;
    long inside = 0;
    double sqInside = 0;
    long outside = 0;
    long exactOutside = 0;
    long frames = 0;
    try (DataInputStream caps =
        new DataInputStream(
            new BufferedInputStream(Files.newInputStream(dir.resolve("captures.bin")), 1 << 20))) {
      byte[] cap = new byte[width * height * 3];
      long capTime = Long.MIN_VALUE;
      for (Path seg : segments(dir)) {
        try (InputStream in = Files.newInputStream(seg);
            SegmentReader r = new SegmentReader(in)) {
          for (SegmentEvent e; (e = r.next()) != null; ) {
            if (e instanceof SegmentEvent.Truncated t) {
              throw new IllegalStateException(seg + " is truncated: " + t.reason());
            }
            if (!(e instanceof SegmentEvent.Frame f)) {
              continue;
            }
            while (capTime < f.time()) {
              caps.readUnsignedByte();
              capTime = caps.readLong();
              int cw = caps.readUnsignedShort();
              int ch = caps.readUnsignedShort();
              caps.readFully(cap, 0, cw * ch * 3);
            }
            int[] px = f.rgb();
            for (int y = 0; y < f.height(); y++) {
              for (int x = 0; x < f.width(); x++) {
                int p = px[y * f.width() + x];
                int i = (y * f.width() + x) * 3;
                int dr = ((p >> 16) & 0xFF) - (cap[i] & 0xFF);
                int dg = ((p >> 8) & 0xFF) - (cap[i + 1] & 0xFF);
                int db = (p & 0xFF) - (cap[i + 2] & 0xFF);
                int sq = dr * dr + dg * dg + db * db;
                boolean moving =
                    rect != null
                        && x >= rect[0]
                        && x < rect[0] + rect[2]
                        && y >= rect[1]
                        && y < rect[1] + rect[3];
                // lossy coding covers whole 64x64 tiles: the tiles under the window's edges
                boolean lossyTiles =
                    rect != null
                        && x >= rect[0] / 64 * 64
                        && x < (rect[0] + rect[2] + 63) / 64 * 64
                        && y >= rect[1] / 64 * 64
                        && y < (rect[1] + rect[3] + 63) / 64 * 64;
                total++;
                exactAll += sq == 0 ? 1 : 0;
                sqAll += sq;
                if (moving) {
                  inside++;
                  sqInside += sq;
                }
                if (!lossyTiles) {
                  outside++;
                  exactOutside += sq == 0 ? 1 : 0;
                }
              }
            }
            frames++;
          }
        }
      }
    }
    double psnrAll = psnr(total == 0 ? 0 : sqAll / (3.0 * total));
    double psnrInside = inside == 0 ? Double.NaN : psnr(sqInside / (3.0 * inside));
    double outsideShare = outside == 0 ? Double.NaN : (double) exactOutside / outside;
    log(
        "%s ours verify: %d decoded frames, %.4f%% exact, PSNR %.2f dB; moving part PSNR %.2f dB,"
            + " %.4f%% exact outside it",
        spec, frames, 100.0 * exactAll / total, psnrAll, psnrInside, 100 * outsideShare);
    return new double[] {
      total == 0 ? 0 : (double) exactAll / total, psnrAll, frames, psnrInside, outsideShare
    };
  }

  /**
   * The highest average bit rate over any 10 s of capture time: every record of the segments
   * counted at its time (FRAME and VIDEO records carry one; docs/capture-format.md), key frames and
   * headers included.
   */
  static double peakKbps10s(Path dir) throws IOException {
    java.util.TreeMap<Long, Long> bytesAt = new java.util.TreeMap<>();
    for (Path seg : segments(dir)) {
      byte[] b = Files.readAllBytes(seg);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
      int at = 8 + (buf.getShort(6) & 0xFFFF) + 4;
      long time = buf.getLong(8 + 2 + (buf.getShort(8) & 0xFFFF) + 4);
      bytesAt.merge(time, (long) at, Long::sum);
      while (at + 5 <= b.length) {
        int type = b[at] & 0xFF;
        int length = buf.getInt(at + 1);
        if (type == 1 || type == 4) {
          time = buf.getLong(at + 5 + 2);
        }
        bytesAt.merge(time, 9L + length, Long::sum);
        at += 9 + length;
      }
    }
    double peak = 0;
    java.util.ArrayDeque<long[]> window = new java.util.ArrayDeque<>();
    long sum = 0;
    for (var e : bytesAt.entrySet()) {
      window.addLast(new long[] {e.getKey(), e.getValue()});
      sum += e.getValue();
      while (window.peekFirst()[0] <= e.getKey() - 10_000) {
        sum -= window.pollFirst()[1];
      }
      peak = Math.max(peak, sum * 8 / 10.0 / 1000);
    }
    return peak;
  }

  private double[] ffmpegFidelity(String w, String codec) throws Exception {
    Path enc = work.resolve(w + "-" + codec + "-verify.mkv");
    Path ref = work.resolve(w + "-" + codec + "-ref.mkv");
    try (Workload load = Workload.start(this, w)) {
      List<String> cmd = new ArrayList<>(grabArgs(verifySeconds));
      cmd.addAll(List.of("-map", "0:v"));
      cmd.addAll(encodeArgs(codec));
      cmd.add(enc.toString());
      // lossless RGB and fast enough to keep up with 1080p noise (FFV1 is not, and then frames go
      // missing)
      cmd.addAll(
          List.of(
              "-map",
              "0:v",
              "-c:v",
              "libx264rgb",
              "-preset",
              "ultrafast",
              "-qp",
              "0",
              ref.toString()));
      runMeasured(cmd, work.resolve(w + "-" + codec + "-verify.log"));
    }
    double[] f = compareVideos(enc, ref);
    log("%s %s verify: %.0f frames, %.4f%% exact, PSNR %.2f dB", w, codec, f[2], 100 * f[0], f[1]);
    Files.deleteIfExists(ref);
    return f;
  }

  /** Decodes both files to RGB and compares them frame by frame. */
  private double[] compareVideos(Path a, Path b) throws Exception {
    Process pa = decoder(a);
    Process pb = decoder(b);
    int frameBytes = width * height * 3;
    byte[] fa = new byte[frameBytes];
    byte[] fb = new byte[frameBytes];
    long exact = 0;
    long pixels = 0;
    double sq = 0;
    long frames = 0;
    try (DataInputStream ia = new DataInputStream(pa.getInputStream());
        DataInputStream ib = new DataInputStream(pb.getInputStream())) {
      while (readFrame(ia, fa) && readFrame(ib, fb)) {
        for (int i = 0; i < frameBytes; i += 3) {
          int dr = (fa[i] & 0xFF) - (fb[i] & 0xFF);
          int dg = (fa[i + 1] & 0xFF) - (fb[i + 1] & 0xFF);
          int db = (fa[i + 2] & 0xFF) - (fb[i + 2] & 0xFF);
          if ((dr | dg | db) == 0) {
            exact++;
          } else {
            sq += dr * dr + dg * dg + db * db;
          }
        }
        pixels += width * height;
        frames++;
      }
    } finally {
      pa.destroy();
      pb.destroy();
      pa.waitFor(10, TimeUnit.SECONDS);
      pb.waitFor(10, TimeUnit.SECONDS);
    }
    double mse = pixels == 0 ? 0 : sq / (3.0 * pixels);
    return new double[] {pixels == 0 ? 0 : (double) exact / pixels, psnr(mse), frames};
  }

  private Process decoder(Path file) throws IOException {
    return new ProcessBuilder(
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-i",
            file.toString(),
            "-fps_mode",
            "passthrough",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-")
        .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("decode.log").toFile()))
        .start();
  }

  private static boolean readFrame(DataInputStream in, byte[] frame) throws IOException {
    try {
      in.readFully(frame);
      return true;
    } catch (EOFException e) {
      return false;
    }
  }

  private static double psnr(double mse) {
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /**
   * Runs {@code cmd} under a shell that prints its children's CPU time (cutime + cstime) once the
   * command exited: exact, including the last frames' flush, which sampling /proc would miss.
   */
  private double runMeasured(List<String> cmd, Path log) throws Exception {
    List<String> sh =
        new ArrayList<>(List.of("sh", "-c", "\"$@\"; s=$?; cat /proc/$$/stat; exit $s", "sh"));
    sh.addAll(cmd);
    ProcessBuilder pb =
        new ProcessBuilder(sh).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(display.env());
    Process p = pb.start();
    String stat = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IllegalStateException(
          cmd.get(0) + " exited " + rc + "; see " + log + ": " + String.join("\n", tail(log, 10)));
    }
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // after comm, f[0] is field 3; cutime and cstime are fields 16 and 17
    long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return ticks / (double) clockTicks();
  }

  private static long clockTicks() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    p.waitFor();
    return s.matches("\\d+") ? Long.parseLong(s) : 100;
  }

  private static long cpuNanos(long pid) {
    return ProcessCpu.of(pid).toNanos();
  }

  private static long segmentBytes(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg"))
          .sorted(Comparator.naturalOrder())
          .toList();
    }
  }

  /** Frames and key frames in the segments; throws when one does not decode to its end. */
  private static int[] countFrames(Path dir) throws IOException {
    int frames = 0;
    int keys = 0;
    for (Path seg : segments(dir)) {
      try (InputStream in = Files.newInputStream(seg);
          SegmentReader r = new SegmentReader(in)) {
        for (SegmentEvent e; (e = r.next()) != null; ) {
          if (e instanceof SegmentEvent.Frame f) {
            frames++;
            keys += f.keyframe() ? 1 : 0;
          } else if (e instanceof SegmentEvent.Truncated t) {
            throw new IllegalStateException(seg + " is truncated: " + t.reason());
          }
        }
      }
    }
    return new int[] {frames, keys};
  }

  private static long longField(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return Long.parseLong(m.group(1));
  }

  // ---- child processes

  private Process java(String mainClass, List<String> args, Path log) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // as bin/screenrec-client starts the client
                "-Djdk.gtk.version=3",
                "-cp",
                classpath,
                mainClass));
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(display.env());
    return pb.start();
  }

  /** A workload JVM; started fresh for every run so that every recorder sees the same sequence. */
  private static final class Workload implements AutoCloseable {
    private final Process process;

    private Workload(Process process) {
      this.process = process;
    }

    static Workload start(CaptureBench b, String kind) throws Exception {
      Process p =
          b.java(
              CaptureWorkload.class.getName(),
              kind.equals("window") || kind.equals("fullvideo")
                  ? List.of(
                      kind,
                      String.valueOf(b.width),
                      String.valueOf(b.height),
                      String.valueOf(SEED),
                      b.clip(kind).toString())
                  : List.of(
                      kind,
                      String.valueOf(b.width),
                      String.valueOf(b.height),
                      String.valueOf(SEED)),
              b.work.resolve("workload-" + kind + ".log"));
      Workload w = new Workload(p);
      try {
        String line = readLine(p.getInputStream(), Duration.ofSeconds(60));
        if (!"READY".equals(line)) {
          throw new IllegalStateException("workload " + kind + " did not start: " + line);
        }
        // its first full paint has reached the server
        Thread.sleep(1000);
        return w;
      } catch (Exception e) {
        w.close();
        throw e;
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Our capture path in its own JVM ({@link CaptureProbe}). */
  private static final class Probe implements AutoCloseable {
    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;
    String source;

    private Probe(Process process) {
      this.process = process;
      this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Probe start(CaptureBench b, Path dir, boolean verify, int kbps) throws Exception {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--out",
                  dir.toString(),
                  "--fps",
                  String.valueOf(b.fps),
                  "--segment-ms",
                  String.valueOf(b.segmentMs),
                  "--keyframe-ms",
                  String.valueOf(b.keyframeMs),
                  "--max-kbps",
                  String.valueOf(kbps)));
      if (verify) {
        args.add("--verify");
      }
      Probe p = new Probe(b.java(CaptureProbe.class.getName(), args, b.work.resolve("probe.log")));
      String ready = p.line();
      // logback may print its status first
      while (ready != null && !ready.startsWith("READY")) {
        ready = p.line();
      }
      if (ready == null) {
        p.close();
        throw new IllegalStateException(
            "capture probe did not start: " + ready + "; see " + b.work.resolve("probe.log"));
      }
      p.source = ready.substring("READY".length()).trim();
      return p;
    }

    long pid() {
      return process.pid();
    }

    void send(String word) {
      in.println(word);
    }

    /**
     * Stops the recording and returns the probe's RESULT json; the probe waits for close() to exit.
     */
    String stop() throws IOException {
      send("STOP");
      for (String line; (line = line()) != null; ) {
        if (line.startsWith("RESULT ")) {
          return line.substring("RESULT ".length());
        }
      }
      throw new IOException("capture probe ended without a result");
    }

    private String line() throws IOException {
      return out.readLine();
    }

    @Override
    public void close() throws InterruptedException {
      in.close();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String readLine(InputStream in, Duration timeout) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return r.readLine();
              } catch (IOException e) {
                return null;
              }
            })
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- output

  private void print(List<Row> rows) {
    System.out.println();
    System.out.println(table(rows));
  }

  String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "| workload | recorder | CPU s/min | X server CPU s/min | KB/min | kbit/s | max 10 s kbit/s | exact pixels | PSNR dB | moving part PSNR dB | rest exact | CPU vs x264 | bytes vs x264 |%n"));
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      Row x264 = x264Of(rows, r);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %.2f | %.0f | %.1f | %s | %.3f%% | %s | %s | %s | %.2f | %.2f |%n",
              r.workload(),
              r.recorder(),
              r.cpuPerMinute(),
              r.xPerMinute(),
              r.bytesPerMinute() / 1024,
              r.bytesPerMinute() * 8 / 60 / 1000,
              Double.isNaN(r.peakKbps10s())
                  ? "—"
                  : String.format(Locale.ROOT, "%.1f", r.peakKbps10s()),
              100 * r.exactShare(),
              Double.isInfinite(r.psnr())
                  ? "∞ (lossless)"
                  : String.format(Locale.ROOT, "%.2f", r.psnr()),
              Double.isNaN(r.windowPsnr())
                  ? "—"
                  : Double.isInfinite(r.windowPsnr())
                      ? "∞"
                      : String.format(Locale.ROOT, "%.2f", r.windowPsnr()),
              Double.isNaN(r.outsideExactShare())
                  ? "—"
                  : String.format(Locale.ROOT, "%.3f%%", 100 * r.outsideExactShare()),
              r.cpuPerMinute() / x264.cpuPerMinute(),
              r.bytesPerMinute() / x264.bytesPerMinute()));
    }
    return sb.toString();
  }

  /** The x264 row of the workload {@code r} ran (under any budget), or {@code r} itself. */
  private static Row x264Of(List<Row> rows, Row r) {
    return rows.stream()
        .filter(
            o ->
                o.workload().equals(workloadName(r.workload()))
                    && o.recorder().equals("ffmpeg-x264"))
        .findFirst()
        .orElse(r);
  }

  private void writeJson(List<Row> rows, Map<String, Double> baselines) throws IOException {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append(
        String.format(
            Locale.ROOT, "  \"bench\": \"capture\",%n  \"date\": \"%s\",%n", Instant.now()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  \"machine\": {\"cores\": %d, \"loadAverage\": %.2f, \"java\": \"%s\", \"ffmpeg\": \"%s\"},%n",
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            System.getProperty("java.version"),
            ffmpegVersion()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  \"settings\": {\"width\": %d, \"height\": %d, \"fps\": %d, \"seconds\": %d,"
                + " \"verifySeconds\": %d, \"segmentMs\": %d, \"keyframeMs\": %d, \"maxKbps\": %d},%n",
            width,
            height,
            fps,
            seconds,
            verifySeconds,
            segmentMs,
            keyframeMs,
            maxKbps));
    sb.append("  \"xServerBaselineCpuPerMinute\": {");
    sb.append(
        String.join(
            ", ",
            baselines.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "\"%s\": %.3f", e.getKey(), e.getValue() * 60))
                .toList()));
    sb.append("},\n  \"results\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Row x264 = x264Of(rows, r);
      sb.append(
          String.format(
              Locale.ROOT,
              "    {\"workload\": \"%s\", \"recorder\": \"%s\", \"seconds\": %.1f,"
                  + " \"cpuSecondsPerMinute\": %.3f, \"xServerCpuSecondsPerMinute\": %.3f, \"bytesPerMinute\": %.0f,"
                  + " \"kbitPerSecond\": %.1f, \"exactPixelShare\": %.6f, \"psnrDb\": %s, \"framesCompared\": %d,"
                  + " \"cpuRatioToX264\": %.3f, \"bytesRatioToX264\": %.3f, \"movingPartPsnrDb\": %s,"
                  + " \"restExactShare\": %s, \"max10sKbitPerSecond\": %s, \"note\": \"%s\"}%s%n",
              r.workload(),
              r.recorder(),
              r.seconds(),
              r.cpuPerMinute(),
              r.xPerMinute(),
              r.bytesPerMinute(),
              r.bytesPerMinute() * 8 / 60 / 1000,
              r.exactShare(),
              Double.isInfinite(r.psnr()) ? "null" : String.format(Locale.ROOT, "%.3f", r.psnr()),
              r.comparedFrames(),
              r.cpuPerMinute() / x264.cpuPerMinute(),
              r.bytesPerMinute() / x264.bytesPerMinute(),
              json(r.windowPsnr()),
              json(r.outsideExactShare()),
              json(r.peakKbps10s()),
              r.note().replace("\\", "\\\\").replace("\"", "\\\""),
              i + 1 < rows.size() ? "," : ""));
    }
    sb.append("  ],\n  \"psnrNote\": \"null PSNR means identical pixels (lossless)\"\n}\n");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, sb.toString());
    System.out.println("wrote " + out);
  }

  private static String json(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String ffmpegVersion() {
    try {
      Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
      String first =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      p.destroy();
      return first == null ? "?" : first.replace("\"", "");
    } catch (IOException e) {
      return "not found";
    }
  }

  private static List<String> tail(Path log, int n) {
    try {
      List<String> lines = Files.readAllLines(log);
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void log(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
