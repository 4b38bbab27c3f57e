package cz.zoom.screenrec.bench.tls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.bench.Machine;
import cz.zoom.screenrec.bench.replay.SyntheticCall;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.ProcessCpu;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * What TLS costs where it is paid all the time, side by side with the plaintext anchor in one run:
 * (1) an idle Capture Client's CPU (connected, heartbeating), one client on a TLS server and one on
 * a {@code --plaintext} server, measured over the same window on the same display; (2) upload
 * throughput to the MUS, HTTPS against HTTP, with the same synthetic call's segments, the two
 * servers taking turns. See bench/README.md.
 */
public final class TlsCostBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static void main(String[] args) throws Exception {
    int idleSeconds = 60;
    int callSeconds = 30;
    int fps = 5;
    int repeat = 3;
    Path out = Path.of("bench/results/tls-cost.json");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
        case "--call-seconds" -> callSeconds = Integer.parseInt(args[++i]);
        case "--fps" -> fps = Integer.parseInt(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: tls-cost [--idle-seconds 60] [--call-seconds 30] [--fps 5] [--repeat 3]"
                  + " [--out FILE]");
          System.exit(2);
        }
      }
    }
    String loadAtStart = Machine.loadAverage();
    ObjectNode result = JSON.createObjectNode();
    result.put("bench", "tls-cost");
    result.put("when", Instant.now().toString());
    try (XvfbDisplay display = XvfbDisplay.start(1280, 720);
        ServerProcess tls = ServerProcess.builder().start();
        ServerProcess plain = ServerProcess.builder().plaintext().start();
        ClientProcess overTls =
            ClientProcess.builder("idle-tls").server(tls).display(display).start();
        ClientProcess inClear =
            ClientProcess.builder("idle-plain").server(plain).display(display).start()) {
      tls.api().awaitAgent("idle-tls", Duration.ofSeconds(90));
      plain.api().awaitAgent("idle-plain", Duration.ofSeconds(90));
      log("both clients connected; letting start-up settle, then " + idleSeconds + " s idle");
      Thread.sleep(10_000);
      long t0 = System.nanoTime();
      long tlsCpu0 = ProcessCpu.of(overTls.pid()).toNanos();
      long plainCpu0 = ProcessCpu.of(inClear.pid()).toNanos();
      Thread.sleep(idleSeconds * 1_000L);
      double wall = System.nanoTime() - t0;
      double tlsIdle = (ProcessCpu.of(overTls.pid()).toNanos() - tlsCpu0) / wall;
      double plainIdle = (ProcessCpu.of(inClear.pid()).toNanos() - plainCpu0) / wall;
      ObjectNode idle = result.putObject("clientIdle");
      idle.put("seconds", idleSeconds);
      idle.put("tlsCores", tlsIdle);
      idle.put("plaintextCores", plainIdle);
      idle.put("tlsCpuMsPerMinute", tlsIdle * 60_000);
      idle.put("plaintextCpuMsPerMinute", plainIdle * 60_000);
      log(String.format("idle client: TLS %.4f cores, plaintext %.4f cores", tlsIdle, plainIdle));

      double[] tlsRate = new double[repeat];
      double[] plainRate = new double[repeat];
      ArrayNode runs = result.putArray("uploadRuns");
      // a client uploads all day: the first upload of a cold JVM (JIT, TLS set-up) is not the rate
      for (ServerProcess s : Arrays.asList(tls, plain)) {
        SyntheticCall.record(
            s,
            "warm-up-" + (s == tls ? "tls" : "plain"),
            "tls-cost-warm-up-" + UUID.randomUUID(),
            callSeconds * 1_000L,
            fps,
            10_000,
            true);
      }
      for (int r = 0; r < repeat; r++) {
        // alternate which goes first, so neither always meets a warmer machine
        for (ServerProcess s : r % 2 == 0 ? Arrays.asList(tls, plain) : Arrays.asList(plain, tls)) {
          SyntheticCall.Made m =
              SyntheticCall.record(
                  s,
                  "upload-" + r + (s == tls ? "-tls" : "-plain"),
                  "tls-cost-" + UUID.randomUUID(),
                  callSeconds * 1_000L,
                  fps,
                  10_000,
                  true);
          double mbps = m.segmentBytes() * 8 / 1e6 / (m.uploadMs() / 1e3);
          (s == tls ? tlsRate : plainRate)[r] = mbps;
          runs.addObject()
              .put("run", r)
              .put("https", s == tls)
              .put("segments", m.segments())
              .put("bytes", m.segmentBytes())
              .put("uploadMs", m.uploadMs())
              .put("megabitsPerSecond", mbps);
          log(
              String.format(
                  "upload %s #%d: %d segments, %.1f MB in %.0f ms = %.1f Mbit/s",
                  s == tls ? "HTTPS" : "HTTP ",
                  r,
                  m.segments(),
                  m.segmentBytes() / 1e6,
                  m.uploadMs(),
                  mbps));
        }
      }
      ObjectNode upload = result.putObject("upload");
      upload.put("httpsMedianMegabitsPerSecond", median(tlsRate));
      upload.put("httpMedianMegabitsPerSecond", median(plainRate));
      upload.put("httpsShareOfHttp", median(tlsRate) / median(plainRate));
    }
    result
        .putObject("machine")
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("loadAverageAtStart", loadAtStart)
        .put("loadAverageAtEnd", Machine.loadAverage());
    result.put(
        "how",
        "Idle: utime+stime of each client JVM from /proc over the same window, after 10 s of "
            + "settling; both clients on one Xvfb, each connected to its own server. Upload: "
            + "SyntheticCall with noise (real capture-format segments of a 640x360 screen of random "
            + "pixels, every frame new, so the bytes are what moving pictures make; handed in "
            + "through the control protocol) PUT one after another to each server's MUS "
            + "with the JDK HttpClient, as the Capture Client does; time = first PUT to last answer; "
            + "one upload to each server first as warm-up, not counted; median over the runs, the "
            + "servers taking turns.");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, JSON.writeValueAsString(result));
    System.out.println(JSON.writeValueAsString(result));
    System.out.println("written to " + out);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void log(String s) {
    System.out.println("[" + Instant.now() + "] " + s);
  }
}
