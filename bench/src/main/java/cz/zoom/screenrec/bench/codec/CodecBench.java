package cz.zoom.screenrec.bench.codec;

import cz.zoom.screenrec.encode.EncodedVideo;
import cz.zoom.screenrec.encode.EncoderSettings;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Encodes the same synthetic CRM screen with every {@link VideoCodec} through the production path
 * (capture segments → {@link RecordingEncoder}) and compares encode time, CPU, bitrate and fidelity
 * of the decoded frames against the source pictures.
 *
 * <pre>
 * java ... cz.zoom.screenrec.bench.codec.CodecBench [--seconds 30] [--fps 5] [--width 1920] [--height 1080]
 *     [--quality 50] [--threads 2] [--repeat 3] [--codecs vp9,h264,av1] [--out bench/results/codec.json]
 * </pre>
 */
public final class CodecBench {
  private static final long SEED = 20260101L;
  private static final long STARTED_AT = 1_767_261_600_000L; // 2026-01-01T10:00:00Z
  private static final long SEGMENT_MS = 5000;

  /** One codec's figures. */
  record Result(
      VideoCodec codec,
      double encodeSeconds,
      double encodeCpuSeconds,
      double speedX,
      long bytes,
      double kbitPerSecond,
      double psnrY,
      double psnrRgb,
      double minFramePsnrY,
      int frames,
      long durationMs) {}

  public static void main(String[] args) throws Exception {
    int seconds = 30;
    int fps = 5;
    int width = 1920;
    int height = 1080;
    int quality = EncoderSettings.DEFAULT_QUALITY;
    int threads = 2;
    int repeat = 3;
    List<VideoCodec> codecs =
        List.of(VideoCodec.VP9_WEBM, VideoCodec.H264_MP4, VideoCodec.AV1_WEBM);
    Path out = Paths.get("bench", "results", "codec.json");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--fps" -> fps = Integer.parseInt(args[++i]);
        case "--width" -> width = Integer.parseInt(args[++i]);
        case "--height" -> height = Integer.parseInt(args[++i]);
        case "--quality" -> quality = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--codecs" -> {
          List<VideoCodec> list = new ArrayList<>();
          for (String c : args[++i].split(",")) {
            list.add(VideoCodec.fromId(c));
          }
          codecs = list;
        }
        case "--out" -> out = Paths.get(args[++i]);
        default ->
            throw new IllegalArgumentException("unknown argument " + a + "; see the class comment");
      }
    }
    System.setProperty("java.awt.headless", "true");
    RecordingEncoder.preload();
    Path work = Files.createTempDirectory("codec-bench");
    try {
      long endedAt = STARTED_AT + seconds * 1000L;
      long t0 = System.nanoTime();
      List<Path> segments = writeSegments(work, width, height, fps, seconds);
      long segmentBytes = 0;
      for (Path p : segments) {
        segmentBytes += Files.size(p);
      }
      System.out.printf(
          Locale.ROOT,
          "source: %d s of a synthetic CRM screen %dx%d at %d fps, %d segments, "
              + "capture format %.0f kbit/s (written in %.1f s)%n",
          seconds,
          width,
          height,
          fps,
          segments.size(),
          segmentBytes * 8 / 1000.0 / seconds,
          (System.nanoTime() - t0) / 1e9);

      List<Result> results = new ArrayList<>();
      for (VideoCodec codec : codecs) {
        EncoderSettings settings =
            EncoderSettings.of(codec, fps).withQuality(quality).withThreads(threads);
        Path dir = work.resolve(codec.id());
        // The machine is shared (builds run beside it): take the median of several encodes.
        double[] walls = new double[repeat];
        double[] cpus = new double[repeat];
        EncodedVideo v = null;
        for (int r = 0; r < repeat; r++) {
          long cpu0 = processCpuNanos();
          long w0 = System.nanoTime();
          v = new RecordingEncoder(settings).encode(segments, STARTED_AT, endedAt, dir);
          walls[r] = (System.nanoTime() - w0) / 1e9;
          cpus[r] = (processCpuNanos() - cpu0) / 1e9;
        }
        double wall = median(walls);
        double cpu = median(cpus);
        double[] psnr = psnr(v.video(), width, height, fps, v.frames());
        results.add(
            new Result(
                codec,
                wall,
                cpu,
                seconds / wall,
                v.bytes(),
                v.bytes() * 8 / 1000.0 / seconds,
                psnr[0],
                psnr[1],
                psnr[2],
                v.frames(),
                v.durationMs()));
        System.out.printf(Locale.ROOT, "  %s done in %.1f s%n", codec, wall);
      }

      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "%-9s %9s %9s %9s %10s %10s %9s %9s %10s%n",
          "codec",
          "wall s",
          "cpu s",
          "x realtime",
          "bytes",
          "kbit/s",
          "PSNR-Y",
          "PSNR-RGB",
          "min PSNR-Y");
      for (Result r : results) {
        System.out.printf(
            Locale.ROOT,
            "%-9s %9.2f %9.2f %9.1f %10d %10.1f %9.2f %9.2f %10.2f%n",
            r.codec(),
            r.encodeSeconds(),
            r.encodeCpuSeconds(),
            r.speedX(),
            r.bytes(),
            r.kbitPerSecond(),
            r.psnrY(),
            r.psnrRgb(),
            r.minFramePsnrY());
      }
      writeJson(out, results, seconds, fps, width, height, quality, threads, repeat, segmentBytes);
      System.out.println("\nwrote " + out);
    } finally {
      deleteTree(work);
    }
  }

  private static List<Path> writeSegments(Path dir, int width, int height, int fps, int seconds)
      throws IOException {
    CrmScreen screen = new CrmScreen(width, height, fps, STARTED_AT, SEED);
    List<ScreenLayout> layout = List.of(new ScreenLayout(0, 0, 0, width, height));
    List<Path> segments = new ArrayList<>();
    int total = seconds * fps;
    int perSegment = (int) (SEGMENT_MS * fps / 1000);
    for (int index = 0; index * perSegment < total; index++) {
      Path p = dir.resolve("segment-" + index + ".seg");
      long segStart = STARTED_AT + index * SEGMENT_MS;
      try (OutputStream os = Files.newOutputStream(p)) {
        SegmentWriter w =
            new SegmentWriter(os, new SegmentHeader("codec-bench", index, segStart, layout));
        for (int f = index * perSegment; f < Math.min(total, (index + 1) * perSegment); f++) {
          long time = screen.nextTime();
          w.writeFrame(0, time, screen.next(), false);
        }
        w.close(Math.min(STARTED_AT + seconds * 1000L, segStart + SEGMENT_MS));
      }
      segments.add(p);
    }
    return segments;
  }

  /**
   * Decodes every frame and compares it with the source frame shown at the same tick (the source is
   * regenerated from its seed, so nothing is held in memory). Returns the PSNR over all frames'
   * pooled squared error for luma (BT.601) and RGB, and the worst frame's luma PSNR.
   */
  private static double[] psnr(Path video, int width, int height, int fps, int frames)
      throws IOException {
    CrmScreen source = new CrmScreen(width, height, fps, STARTED_AT, SEED);
    double sumY = 0;
    double sumRgb = 0;
    double minY = Double.MAX_VALUE;
    long n = (long) width * height;
    try (VideoProbe probe = VideoProbe.open(video)) {
      for (int i = 0; i < frames; i++) {
        int[] src = source.next();
        BufferedImage decoded = probe.frameAt(i * 1000L / fps);
        byte[] bgr = ((DataBufferByte) decoded.getRaster().getDataBuffer()).getData();
        double seY = 0;
        double seRgb = 0;
        for (int p = 0, b = 0; p < n; p++, b += 3) {
          int s = src[p];
          int sr = (s >> 16) & 0xFF;
          int sg = (s >> 8) & 0xFF;
          int sb = s & 0xFF;
          int db = bgr[b] & 0xFF;
          int dg = bgr[b + 1] & 0xFF;
          int dr = bgr[b + 2] & 0xFF;
          double dy = 0.299 * (sr - dr) + 0.587 * (sg - dg) + 0.114 * (sb - db);
          seY += dy * dy;
          seRgb += (sr - dr) * (sr - dr) + (sg - dg) * (sg - dg) + (sb - db) * (sb - db);
        }
        double mseY = seY / n;
        sumY += mseY;
        sumRgb += seRgb / (3.0 * n);
        minY = Math.min(minY, psnrOf(mseY));
      }
    }
    return new double[] {psnrOf(sumY / frames), psnrOf(sumRgb / frames), minY};
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double psnrOf(double mse) {
    return mse <= 1e-10 ? 99.0 : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void writeJson(
      Path out,
      List<Result> results,
      int seconds,
      int fps,
      int width,
      int height,
      int quality,
      int threads,
      int repeat,
      long segmentBytes)
      throws IOException {
    StringBuilder j = new StringBuilder();
    j.append("{\n");
    j.append("  \"benchmark\": \"codec\",\n");
    j.append("  \"measuredAt\": \"").append(Instant.now()).append("\",\n");
    j.append("  \"machine\": {\"cpus\": ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(", \"os\": \"")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append("\", \"java\": \"")
        .append(System.getProperty("java.version"))
        .append("\", \"loadAverageAtEnd\": ")
        .append(
            String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
        .append("},\n");
    j.append(
            "  \"workload\": {\"description\": \"synthetic CRM screen: form typing, ticket list, notes, "
                + "view change every 6-10 s\", \"seconds\": ")
        .append(seconds)
        .append(", \"fps\": ")
        .append(fps)
        .append(", \"width\": ")
        .append(width)
        .append(", \"height\": ")
        .append(height)
        .append(", \"captureFormatBytes\": ")
        .append(segmentBytes)
        .append("},\n");
    j.append("  \"settings\": {\"quality\": ")
        .append(quality)
        .append(", \"threads\": ")
        .append(threads)
        .append(", \"repeat\": ")
        .append(repeat)
        .append(", \"timing\": \"median of the repeats\"")
        .append(", \"psnr\": \"decoded RGB vs source RGB, every frame; psnrY on BT.601 luma\"},\n");
    j.append("  \"results\": [\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      j.append(
          String.format(
              Locale.ROOT,
              "    {\"codec\": \"%s\", \"encoder\": \"%s\", \"encodeWallSeconds\": %.3f, "
                  + "\"encodeCpuSeconds\": %.3f, \"speedXRealtime\": %.2f, \"bytes\": %d, \"kbitPerSecond\": %.1f, "
                  + "\"psnrY\": %.2f, \"psnrRgb\": %.2f, \"minFramePsnrY\": %.2f, \"frames\": %d, \"durationMs\": %d}%s%n",
              r.codec().id(),
              r.codec().encoderName(),
              r.encodeSeconds(),
              r.encodeCpuSeconds(),
              r.speedX(),
              r.bytes(),
              r.kbitPerSecond(),
              r.psnrY(),
              r.psnrRgb(),
              r.minFramePsnrY(),
              r.frames(),
              r.durationMs(),
              i + 1 < results.size() ? "," : ""));
    }
    j.append("  ]\n}\n");
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, j.toString(), StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
