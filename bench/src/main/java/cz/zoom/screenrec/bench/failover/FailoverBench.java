package cz.zoom.screenrec.bench.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import cz.zoom.screenrec.bench.Machine;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.Poll;
import cz.zoom.screenrec.testkit.PostgresServer;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.TempDirs;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import cz.zoom.screenrec.trust.Enroller;
import cz.zoom.screenrec.trust.EnrollmentToken;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fail-over figures, with real server processes on two loopback addresses (127.0.0.1, the primary,
 * and 127.0.0.2, the secondary; independent data, database and cluster id):
 *
 * <p>(a) time from the primary's death to the secondary controlling one real Capture Client (its
 * {@code GET /api/v1/agents} lists the agent), for a hard kill (SIGKILL) and a silent stall
 * (SIGSTOP), with the default heartbeat settings and a short one, several times each;
 *
 * <p>(b) 2,000 simulated clients ({@link SimulatedClients}: real control connections, real HELLO
 * and heartbeats, the product's backoff policy) on the primary; SIGKILL the primary; time until all
 * are controlled by the secondary, the secondary's peak accepted connections per second, and its
 * heap and CPU meanwhile;
 *
 * <p>(slowdb) 2,000 simulated clients on one server whose metadata is on a real PostgreSQL; the
 * recordings table is locked by another connection for a while, during which clients reporting a
 * recording in progress say HELLO (each waits for the lock): sessions kept and lost, heartbeat
 * answer times, side by side with the same run without the lock. See bench/README.md.
 */
public final class FailoverBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String AGENT = "bench-agent";

  private String part = "all";
  private int repeat = 5;
  private int clients = 2000;
  private int[] shortSetting = {500, 2000};
  private int[] defaultSetting = {3000, 10000};
  private int[] massSetting = defaultSetting;
  private int simThreads = 2;
  private List<String> massFailures = List.of("SIGKILL", "SIGSTOP");
  private int massRepeat = 3;
  private int slowClients = 2000;
  private int slowReporters = 50;
  private int lockSeconds = 30;
  private String controlThreads;
  private String serverClasspath;
  private boolean tls;
  private String serverHeap;
  private int desktops = 100;
  private Path out;
  private final Random random = new Random(42);

  public static void main(String[] args) throws Exception {
    FailoverBench b = new FailoverBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--part" -> b.part = args[++i];
        case "--repeat" -> b.repeat = Integer.parseInt(args[++i]);
        case "--clients" -> b.clients = Integer.parseInt(args[++i]);
        case "--short" -> b.shortSetting = setting(args[++i]);
        case "--mass-heartbeat" -> b.massSetting = setting(args[++i]);
        case "--sim-threads" -> b.simThreads = Integer.parseInt(args[++i]);
        case "--mass-failure" -> b.massFailures = List.of(args[++i].toUpperCase().split(","));
        case "--mass-repeat" -> b.massRepeat = Integer.parseInt(args[++i]);
        case "--out" -> b.out = Path.of(args[++i]);
        case "--slowdb-clients" -> b.slowClients = Integer.parseInt(args[++i]);
        case "--slowdb-reporters" -> b.slowReporters = Integer.parseInt(args[++i]);
        case "--lock-seconds" -> b.lockSeconds = Integer.parseInt(args[++i]);
        case "--control-threads" -> b.controlThreads = args[++i];
        case "--server-classpath" -> b.serverClasspath = args[++i];
        case "--tls" -> b.tls = true;
        case "--server-heap" -> b.serverHeap = args[++i];
        case "--desktops" -> b.desktops = Integer.parseInt(args[++i]);
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
    if (!List.of("a", "b", "all", "slowdb").contains(b.part)) {
      System.err.println("--part is a, b, all or slowdb");
      System.exit(2);
    }
    if (b.out == null) {
      b.out = defaultOut(b.part.equals("slowdb") ? "failover-slowdb.json" : "failover.json");
    }
    b.run();
  }

  static void usage() {
    System.out.println(
        """
        failover [--part a|b|all|slowdb] [--repeat 5] [--clients 2000] [--short 500/2000] [--mass-heartbeat 3000/10000]
                 [--mass-failure SIGKILL,SIGSTOP] [--mass-repeat 3] [--sim-threads 2] [--out bench/results/failover.json]
                 [--slowdb-clients 2000] [--slowdb-reporters 50] [--lock-seconds 30] [--control-threads N]
                 [--server-classpath CP]
          (a) one real client on Xvfb, servers on 127.0.0.1 (primary) and 127.0.0.2 (secondary): time from
              SIGKILL / SIGSTOP of the primary until the secondary's GET /api/v1/agents lists the client,
              --repeat times each, with the default heartbeat settings (3000/10000 ms) and --short (HB/DEAD ms);
          (b) --clients simulated protocol clients in this JVM on the primary; SIGKILL (and/or SIGSTOP) it; time
              until the secondary controls all, its peak accepted connections per second, heap and CPU meanwhile;
              --mass-repeat runs each, fresh servers each time, with --mass-heartbeat (default: the product's);
          (slowdb, only when asked for) --slowdb-clients simulated clients on one server on PostgreSQL, default
              heartbeats; the recordings table is locked for --lock-seconds while --slowdb-reporters more clients say
              HELLO reporting a recording in progress; sessions kept/lost and heartbeat answer times, with and
              without the lock (out: bench/results/failover-slowdb.json). --control-threads is passed to the
              server; --server-classpath runs another build's server (e.g. one from before a change), in (b) too.""");
  }

  private static int[] setting(String s) {
    String[] p = s.split("/");
    return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
  }

  private static Path defaultOut(String name) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bench").resolve("pom.xml"))) {
        return d.resolve("bench").resolve("results").resolve(name);
      }
    }
    return Path.of(name);
  }

  @SuppressWarnings("unchecked")
  private void run() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("bench", "failover");
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
            "openFilesLimit",
            openFilesLimit(),
            "loadAverageAtStart",
            Machine.loadAverage()));
    if (part.equals("slowdb")) {
      result.put("slowDatabase", slowDatabase());
    }
    if (part.equals("a") || part.equals("all")) {
      result.put("detection", detection());
    }
    if (part.equals("b") || part.equals("all")) {
      Map<String, Object> mass = new LinkedHashMap<>();
      for (String failure : massFailures) {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < massRepeat; i++) {
          runs.add(massFailover(failure));
        }
        mass.put(failure, ordered("median", medians(runs), "runs", runs));
      }
      result.put("massFailover", mass);
    }
    ((Map<String, Object>) result.get("machine")).put("loadAverageAtEnd", Machine.loadAverage());
    System.out.println();
    printTable(result);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, JSON.writeValueAsString(result) + System.lineSeparator());
    System.out.println("written to " + out);
  }

  // ---- (a) ------------------------------------------------------------------------------------

  private Map<String, Object> detection() throws Exception {
    Map<String, Object> all = new LinkedHashMap<>();
    try (XvfbDisplay display = XvfbDisplay.start(640, 480)) {
      for (int[] s : List.of(defaultSetting, shortSetting)) {
        String name = s[0] + "/" + s[1];
        log(
            "(a) heartbeat "
                + s[0]
                + " ms, dead-peer timeout "
                + s[1]
                + " ms: starting both servers and a client");
        Map<String, Object> bySetting = new LinkedHashMap<>();
        try (Node primary = new Node("cluster-a", "127.0.0.1", s).start();
            Node secondary = new Node("cluster-b", "127.0.0.2", s).start();
            ClientProcess client =
                ClientProcess.builder(AGENT)
                    .server(primary.server)
                    .server(secondary.server)
                    .display(display)
                    .arg("--failback-interval", "1")
                    .start()) {
          awaitOn(primary, secondary, client);
          for (String mode : List.of("SIGKILL", "SIGSTOP")) {
            List<Long> ms = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
              // start at a random point of the heartbeat period, as a real failure would
              pause(Duration.ofMillis(random.nextInt(s[0])));
              long t0;
              if (mode.equals("SIGKILL")) {
                t0 = System.nanoTime();
                primary.server.kill();
              } else {
                primary.signal("STOP");
                t0 = System.nanoTime();
              }
              Poll.until(
                  "the secondary lists " + AGENT,
                  Duration.ofSeconds(s[1] / 1000 + 60),
                  Duration.ofMillis(10),
                  () -> secondary.server.api().agent(AGENT).isPresent());
              long took = (System.nanoTime() - t0) / 1_000_000;
              ms.add(took);
              log(
                  String.format(
                      "(a) %s %s #%d: on the secondary after %d ms", name, mode, i + 1, took));
              if (mode.equals("SIGKILL")) {
                primary.restart();
              } else {
                primary.signal("CONT");
              }
              awaitOn(primary, secondary, client);
            }
            bySetting.put(mode, stats(ms));
          }
        }
        all.put(name, bySetting);
      }
    }
    all.put(
        "how",
        "one real Capture Client (Xvfb) with -host 127.0.0.1:<a> -host 127.0.0.2:<b> --failback-interval 1; "
            + "the failure is injected at a random point of the heartbeat period; time from the signal (SIGKILL: just before "
            + "it; SIGSTOP: once kill(1) returned) until the secondary's GET /api/v1/agents, polled every 10 ms, lists the "
            + "agent. After each run the primary is restarted on the same ports and data (SIGKILL) or continued (SIGCONT) "
            + "and the client fails back before the next run.");
    return all;
  }

  /**
   * Waits until the client is back on the primary with heartbeats flowing, and off the secondary.
   */
  private static void awaitOn(Node primary, Node secondary, ClientProcess client)
      throws TimeoutException {
    Poll.until(
        "the client on the primary",
        Duration.ofSeconds(120),
        Duration.ofMillis(50),
        () -> {
          if (!client.isAlive()) {
            throw new Poll.Abort("the client exited: " + client.logTail(30));
          }
          return primary.established(AGENT) && secondary.server.api().agent(AGENT).isEmpty();
        });
  }

  // ---- (b) ------------------------------------------------------------------------------------

  private Map<String, Object> massFailover(String failure) throws Exception {
    long fdLimit = openFilesLimit();
    if (fdLimit > 0 && fdLimit < clients + 1_000L) {
      throw new IllegalStateException(
          "open files limit "
              + fdLimit
              + " is too low for "
              + clients
              + " clients (this JVM holds one socket per client, and so does the server): run `ulimit -n "
              + (clients * 2 + 1_000)
              + "` first");
    }
    log(
        "(b) "
            + clients
            + " simulated clients, heartbeat "
            + massSetting[0]
            + "/"
            + massSetting[1]
            + " ms, "
            + failure);
    Map<String, Object> r = new LinkedHashMap<>();
    Node first = node("cluster-a", "127.0.0.1", massSetting);
    Node second = node("cluster-b", "127.0.0.2", massSetting);
    if (tls) {
      // an HA pair shares one cluster CA, so a desktop enrolled once is known to both
      ServerProcess.shareNewClusterCa(first.dataDir, second.dataDir);
    }
    try (Node primary = first.start();
        Node secondary = second.start();
        SimulatedClients sim =
            new SimulatedClients(
                clients,
                "sim-",
                List.of(
                    new InetSocketAddress(primary.server.bind(), primary.server.controlPort()),
                    new InetSocketAddress(secondary.server.bind(), secondary.server.controlPort())),
                simThreads,
                7,
                enrolled(primary))) {
      long startT = System.nanoTime();
      // a site's desktops log in over a morning, not in one heartbeat; over TLS, ten thousand
      // handshakes in 3 s is more than this machine's two cores do while they also run the clients
      sim.start(tls ? Duration.ofSeconds(30) : Duration.ofMillis(massSetting[0]));
      Poll.until(
          clients + " clients welcomed by the primary",
          Duration.ofMinutes(5),
          Duration.ofMillis(100),
          () -> sim.welcomedBy(0) == clients);
      long allOnPrimaryMs = (System.nanoTime() - startT) / 1_000_000;
      Poll.until(
          "the primary lists " + clients + " agents",
          Duration.ofMinutes(2),
          Duration.ofMillis(250),
          () -> primary.server.api().agents().size() == clients);
      log(
          "(b) all "
              + clients
              + " on the primary after "
              + allOnPrimaryMs
              + " ms; letting heartbeats settle");
      pause(Duration.ofSeconds(5));
      long failuresBefore = sim.connectFailures();
      long backoffsBefore = sim.backoffWaits();

      try (ServerSampler sampler =
          new ServerSampler(
              secondary.server.pid(), secondary.server.httpUri(), Duration.ofMillis(100))) {
        pause(Duration.ofSeconds(3));
        long t0;
        if (failure.equals("SIGKILL")) {
          t0 = System.nanoTime();
          primary.server.kill();
        } else {
          primary.signal("STOP");
          t0 = System.nanoTime();
        }
        log("(b) primary " + failure + "; waiting for the secondary to list all " + clients);
        List<long[]> apiCounts = new ArrayList<>();
        Poll.until(
            "the secondary lists " + clients + " agents",
            Duration.ofMinutes(10),
            Duration.ofMillis(250),
            () -> {
              int n = secondary.server.api().agents().size();
              apiCounts.add(new long[] {(System.nanoTime() - t0) / 1_000_000, n});
              return n == clients;
            });
        long apiAllMs = (System.nanoTime() - t0) / 1_000_000;
        Poll.until(
            "every simulated client welcomed by the secondary",
            Duration.ofMinutes(2),
            Duration.ofMillis(50),
            () -> sim.welcomedBy(1) == clients);
        long simAllMs = (sim.lastWelcomeFrom(1) - t0) / 1_000_000;
        pause(Duration.ofSeconds(3));
        sampler.close();

        List<Long> connects = after(sim.connects(), 1, t0);
        List<Long> welcomes = after(sim.welcomes(), 1, t0);
        List<ServerSampler.Sample> samples = sampler.samples();
        long end = t0 + Math.max(apiAllMs, simAllMs) * 1_000_000L;

        r.put("failure", failure);
        r.put("clients", clients);
        r.put("tls", tls);
        r.put("serverMaxHeap", serverHeap);
        r.put("desktops", tls ? Math.min(desktops, clients) : 0);
        r.put("heartbeatIntervalMs", massSetting[0]);
        r.put("deadPeerTimeoutMs", massSetting[1]);
        r.put("initialConnectAllOnPrimaryMs", allOnPrimaryMs);
        r.put("failureToAllListedBySecondaryApiMs", apiAllMs);
        r.put("failureToLastWelcomeFromSecondaryMs", simAllMs);
        r.put(
            "secondaryApiCountsMsAfterFailure",
            apiCounts.stream().map(a -> a[0] + ":" + a[1]).toList());
        r.put("acceptedConnectionsPerSecondPeak", peakPerWindow(connects, 1_000));
        r.put("acceptedConnectionsPerSecondPeakOver100ms", 10 * peakPerWindow(connects, 100));
        r.put("welcomesPerSecondPeak", peakPerWindow(welcomes, 1_000));
        r.put("welcomesPerSecondPeakOver100ms", 10 * peakPerWindow(welcomes, 100));
        r.put("acceptedConnectionsTotalAfterFailure", connects.size());
        r.put(
            "firstAcceptedMsAfterFailure", connects.isEmpty() ? null : connects.get(0) / 1_000_000);
        r.put(
            "lastAcceptedMsAfterFailure",
            connects.isEmpty() ? null : connects.get(connects.size() - 1) / 1_000_000);
        r.put(
            "firstWelcomeMsAfterFailure", welcomes.isEmpty() ? null : welcomes.get(0) / 1_000_000);
        r.put("connectFailuresAfterFailure", sim.connectFailures() - failuresBefore);
        r.put("backoffWaitsAfterFailure", sim.backoffWaits() - backoffsBefore);
        r.put("secondaryHeap", heap(samples, t0, end));
        r.put("secondaryCpu", cpu(samples, t0, end));
        r.put(
            "how",
            "SimulatedClients in the bench JVM (Netty, "
                + simThreads
                + " event-loop threads, the product's "
                + "ControlCodec and ReconnectPolicy: next host at once, backoff 1 s x2 up to 60 s, ±20 % jitter, only after a "
                + "whole round failed). Accepted connections = TCP connects to the secondary completed, as the clients saw "
                + "them, per sliding 1-s window; welcomes = WELCOMEs received. The secondary's API is polled every 250 ms. "
                + "Heap = sum of jvm_memory_used_bytes{area=heap} from its /metrics, CPU = utime+stime from /proc/<pid>/stat, "
                + "both sampled every 100 ms; baseline = the 3 s before the kill. The simulated clients share the machine's "
                + "cores with the server.");
      }
    }
    return r;
  }

  private static List<Long> after(List<SimulatedClients.Event> events, int host, long t0) {
    return events.stream()
        .filter(e -> e.host() == host && e.nanos() >= t0)
        .map(e -> e.nanos() - t0)
        .sorted()
        .toList();
  }

  private static int peakPerWindow(List<Long> sortedNanos, long windowMs) {
    int best = 0;
    int lo = 0;
    long w = windowMs * 1_000_000L;
    for (int hi = 0; hi < sortedNanos.size(); hi++) {
      while (sortedNanos.get(hi) - sortedNanos.get(lo) >= w) {
        lo++;
      }
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  private static Map<String, Object> heap(List<ServerSampler.Sample> samples, long t0, long end) {
    List<Long> before =
        samples.stream()
            .filter(s -> s.nanos() < t0 && s.heapBytes() >= 0)
            .map(ServerSampler.Sample::heapBytes)
            .toList();
    List<Long> during =
        samples.stream()
            .filter(s -> s.nanos() >= t0 && s.nanos() <= end + 3_000_000_000L && s.heapBytes() >= 0)
            .map(ServerSampler.Sample::heapBytes)
            .toList();
    List<Long> afterAll =
        samples.stream()
            .filter(s -> s.nanos() > end && s.heapBytes() >= 0)
            .map(ServerSampler.Sample::heapBytes)
            .toList();
    return ordered(
        "baselineMiB",
            before.isEmpty()
                ? null
                : mib(before.stream().mapToLong(Long::longValue).max().orElse(0)),
        "peakMiB",
            during.isEmpty()
                ? null
                : mib(during.stream().mapToLong(Long::longValue).max().orElse(0)),
        "afterAllConnectedMiB", afterAll.isEmpty() ? null : mib(afterAll.get(afterAll.size() - 1)));
  }

  private static Map<String, Object> cpu(List<ServerSampler.Sample> samples, long t0, long end) {
    ServerSampler.Sample first = null;
    ServerSampler.Sample atEnd = null;
    ServerSampler.Sample baseStart = samples.isEmpty() ? null : samples.get(0);
    ServerSampler.Sample baseEnd = null;
    double peak = 0;
    for (int i = 0; i < samples.size(); i++) {
      ServerSampler.Sample s = samples.get(i);
      if (s.nanos() < t0) {
        baseEnd = s;
      }
      if (first == null && s.nanos() >= t0) {
        first = baseEnd != null ? baseEnd : s;
      }
      if (s.nanos() <= end + 200_000_000L) {
        atEnd = s;
      }
      // peak over 500 ms: /proc counts in 10 ms ticks, so shorter windows are mostly rounding
      for (int j = i + 1; j < samples.size(); j++) {
        ServerSampler.Sample o = samples.get(j);
        if (o.nanos() - s.nanos() >= 500_000_000L) {
          if (s.nanos() >= t0 - 500_000_000L && s.nanos() <= end) {
            peak = Math.max(peak, (double) (o.cpuNanos() - s.cpuNanos()) / (o.nanos() - s.nanos()));
          }
          break;
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (baseStart != null && baseEnd != null && baseEnd.nanos() > baseStart.nanos()) {
      m.put(
          "baselineCores",
          round3(
              (double) (baseEnd.cpuNanos() - baseStart.cpuNanos())
                  / (baseEnd.nanos() - baseStart.nanos())));
    }
    if (first != null && atEnd != null && atEnd.nanos() > first.nanos()) {
      m.put("cpuSecondsFailureToAllConnected", round2((atEnd.cpuNanos() - first.cpuNanos()) / 1e9));
      m.put(
          "averageCoresFailureToAllConnected",
          round3((double) (atEnd.cpuNanos() - first.cpuNanos()) / (atEnd.nanos() - first.nanos())));
    }
    m.put("peakCores500ms", round3(peak));
    return m;
  }

  // ---- (slowdb) ---------------------------------------------------------------------------------

  private Map<String, Object> slowDatabase() throws Exception {
    long fdLimit = openFilesLimit();
    if (fdLimit > 0 && fdLimit < slowClients + slowReporters + 1_000L) {
      throw new IllegalStateException(
          "open files limit "
              + fdLimit
              + " is too low: run `ulimit -n "
              + (slowClients * 2 + 1_000)
              + "` first");
    }
    Map<String, Object> all = new LinkedHashMap<>();
    try (PostgresServer pg = PostgresServer.start()) {
      for (boolean lock : List.of(false, true)) {
        all.put(lock ? "recordingsLocked" : "noLock", slowDatabaseRun(pg, lock));
      }
    }
    all.put(
        "how",
        "one server (separate JVM, metadata on a throwaway PostgreSQL"
            + (controlThreads == null ? "" : ", --control-threads " + controlThreads)
            + (serverClasspath == null ? "" : ", server from --server-classpath")
            + "), "
            + defaultSetting[0]
            + "/"
            + defaultSetting[1]
            + " ms heartbeats; SimulatedClients connect spread over "
            + "one heartbeat interval and settle for 5 s. Then (recordingsLocked) another connection takes LOCK TABLE "
            + "recordings IN ACCESS EXCLUSIVE MODE and holds it for the window, and the reporters (more simulated clients, "
            + "each HELLO reporting a recording in progress, which the server looks up in the recordings table) connect "
            + "spread over 500 ms; noLock does the same without the lock. Heartbeat answer time = arrival of the "
            + "HEARTBEAT_ACK minus its echoed clientTime (same machine clock), over the window. A session is kept when the "
            + "client had no further WELCOME (no reconnect) from the start of the window until one dead-peer timeout "
            + "after its end. waitingForLockMidWindow: statements of the server's database waiting for a lock in "
            + "pg_stat_activity halfway through the window.");
    return all;
  }

  private Map<String, Object> slowDatabaseRun(PostgresServer pg, boolean lock) throws Exception {
    String url = pg.jdbcUrl(pg.createDatabase());
    String name = lock ? "recordings locked" : "no lock";
    log(
        "(slowdb) "
            + name
            + ": one server on PostgreSQL, "
            + slowClients
            + " clients, "
            + slowReporters
            + " reporting a recording, window "
            + lockSeconds
            + " s");
    Map<String, Object> r = new LinkedHashMap<>();
    Node node = node("cluster-a", "127.0.0.1", defaultSetting);
    node.database = url;
    node.dbUser = pg.user();
    try (Node server = node.start();
        SimulatedClients sim =
            new SimulatedClients(
                slowClients,
                "sim-",
                List.of(new InetSocketAddress(server.server.bind(), server.server.controlPort())),
                simThreads,
                7,
                List.of());
        SimulatedClients reporters =
            new SimulatedClients(
                slowReporters,
                "rep-",
                List.of(new InetSocketAddress(server.server.bind(), server.server.controlPort())),
                1,
                11,
                List.of())) {
      sim.start(Duration.ofMillis(defaultSetting[0]));
      Poll.until(
          slowClients + " clients welcomed",
          Duration.ofMinutes(5),
          Duration.ofMillis(100),
          () -> sim.welcomedBy(0) == slowClients);
      pause(Duration.ofSeconds(5));
      int[] before = sim.welcomeCounts();
      long lostBefore = sim.sessionsLost();
      Connection locker = null;
      if (lock) {
        locker = DriverManager.getConnection(url, pg.user(), pg.password());
        locker.setAutoCommit(false);
        try (Statement st = locker.createStatement()) {
          st.execute("LOCK TABLE recordings IN ACCESS EXCLUSIVE MODE");
        }
      }
      long t0 = System.nanoTime();
      reporters.reportRecordings();
      reporters.start(Duration.ofMillis(500));
      pause(Duration.ofMillis(lockSeconds * 500L));
      int waiting = waitingForLock(url, pg);
      pause(Duration.ofMillis(lockSeconds * 500L));
      long t1 = System.nanoTime();
      if (locker != null) {
        locker.commit();
        locker.close();
      }
      Poll.until(
          "every reporter welcomed",
          Duration.ofMinutes(5),
          Duration.ofMillis(50),
          () -> reporters.welcomedBy(0) == slowReporters);
      long reportersInMs = (System.nanoTime() - t1) / 1_000_000;
      // a client that went unanswered in the window notices within one dead-peer timeout after it
      pause(Duration.ofMillis(defaultSetting[1] + 2_000L));
      int[] after = sim.welcomeCounts();
      int kept = 0;
      for (int i = 0; i < after.length; i++) {
        if (after[i] == before[i]) {
          kept++;
        }
      }
      List<Long> rtts =
          sim.answers().stream()
              .filter(a -> a.nanos() >= t0 && a.nanos() <= t1)
              .map(SimulatedClients.Answer::roundTripMs)
              .sorted()
              .toList();
      r.put("clients", slowClients);
      r.put("reporters", slowReporters);
      r.put("windowSeconds", lockSeconds);
      r.put("locked", lock);
      r.put("waitingForLockMidWindow", waiting);
      r.put("sessionsKept", kept);
      r.put("sessionsLost", slowClients - kept);
      r.put("disconnectsDuringAndAfterWindow", sim.sessionsLost() - lostBefore);
      r.put("heartbeatAnswersInWindow", rtts.size());
      r.put(
          "heartbeatAnswersExpectedInWindow",
          (long) slowClients * lockSeconds * 1000 / defaultSetting[0]);
      r.put(
          "heartbeatAnswerMs",
          rtts.isEmpty()
              ? null
              : ordered(
                  "p50",
                  pct(rtts, 0.50),
                  "p99",
                  pct(rtts, 0.99),
                  "p999",
                  pct(rtts, 0.999),
                  "max",
                  rtts.get(rtts.size() - 1)));
      r.put("reportersAllWelcomedMsAfterWindow", reportersInMs);
      r.put("reporterErrors", reporters.errors());
      log("(slowdb) " + name + ": " + r);
    }
    return r;
  }

  private static long pct(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
  }

  private static int waitingForLock(String url, PostgresServer pg) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * With --tls, {@code desktops} desktops enrolled at {@code node} the way a real one enrolls (its
   * first token, a key made here, a certificate from the cluster CA); the simulated clients take
   * turns with them, as agents sharing desktops in shifts do. In clear: none.
   */
  private List<DesktopTls> enrolled(Node node) throws Exception {
    if (!tls) {
      return List.of();
    }
    EnrollmentToken token = EnrollmentToken.parse(node.server.enrollToken());
    List<DesktopTls> list = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < Math.min(desktops, clients); i++) {
      list.add(DesktopTls.of(Enroller.enroll(node.server.httpUri(), token, "bench-desktop-" + i)));
    }
    log("enrolled " + list.size() + " desktops in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    return list;
  }

  /**
   * A node of the build under test, or of --server-classpath's, with --control-threads if given.
   */
  private Node node(String clusterId, String bind, int[] setting) {
    Node n = new Node(clusterId, bind, setting);
    n.plaintext = !tls;
    n.maxHeap = serverHeap;
    n.classpath = serverClasspath;
    if (controlThreads != null) {
      n.extraArgs.addAll(List.of("--control-threads", controlThreads));
    }
    return n;
  }

  // ---- servers ----------------------------------------------------------------------------------

  /**
   * One cluster's server: own address, data directory and cluster id; can be restarted in place.
   */
  private static final class Node implements AutoCloseable {
    final String clusterId;
    final String bind;
    final int[] setting;
    final Path dataDir = TempDirs.create("screenrec-bench-failover-");
    final String token = "bench-" + UUID.randomUUID();
    String database;
    String dbUser;
    String classpath;
    boolean plaintext = true;
    String maxHeap;
    final List<String> extraArgs = new ArrayList<>();
    ServerProcess server;

    Node(String clusterId, String bind, int[] setting) {
      this.clusterId = clusterId;
      this.bind = bind;
      this.setting = setting;
    }

    Node start() {
      server = builder().start();
      return this;
    }

    void restart() {
      server = builder().ports(server.controlPort(), server.httpPort()).start();
    }

    private ServerProcess.Builder builder() {
      ServerProcess.Builder b =
          ServerProcess.builder()
              .bind(bind)
              .clusterId(clusterId)
              .apiToken(token)
              .dataDir(dataDir)
              .heartbeatIntervalMs(setting[0])
              .deadPeerTimeoutMs(setting[1]);
      if (plaintext) {
        b.plaintext();
      }
      if (maxHeap != null) {
        // the heap the server may use at all: a failover that needs more fails with it
        b.jvmArg("-Xmx" + maxHeap);
      }
      if (database != null) {
        b.database(database, dbUser, "");
      }
      if (classpath != null) {
        b.classpath(classpath);
      }
      b.arg(extraArgs.toArray(String[]::new));
      return b;
    }

    /** Listed with a heartbeat round trip: the client has its WELCOME and heartbeats flow. */
    boolean established(String agent) {
      ScreenRecApi.Response r = server.api().get("api/v1/agents");
      if (r.status() != 200) {
        return false;
      }
      for (JsonNode a : r.json()) {
        if (agent.equals(a.path("agent").asText())) {
          return a.path("roundTripMs").asLong(-1) >= 0;
        }
      }
      return false;
    }

    void signal(String name) {
      try {
        Process p =
            new ProcessBuilder("sh", "-c", "kill -" + name + " " + server.pid())
                .inheritIO()
                .start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("kill -" + name + " " + server.pid() + " failed");
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      try {
        if (server != null && server.isAlive()) {
          signal("CONT"); // a stopped process would not act on SIGTERM
        }
      } catch (RuntimeException ignored) {
        // already gone
      }
      if (server != null) {
        server.close();
      }
      TempDirs.deleteQuietly(dataDir);
    }
  }

  // ---- output -----------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static void printTable(Map<String, Object> result) {
    Object d = result.get("detection");
    if (d instanceof Map<?, ?> det) {
      System.out.println("(a) primary death → secondary controls the client (ms)");
      System.out.printf(
          "%-16s %-8s %8s %8s %8s %8s  %s%n",
          "heartbeat/dead", "failure", "median", "max", "min", "runs", "all");
      for (Map.Entry<?, ?> e : det.entrySet()) {
        if (!(e.getValue() instanceof Map<?, ?> modes)) {
          continue;
        }
        for (Map.Entry<?, ?> m : modes.entrySet()) {
          Map<String, Object> s = (Map<String, Object>) m.getValue();
          System.out.printf(
              "%-16s %-8s %8s %8s %8s %8s  %s%n",
              e.getKey(),
              m.getKey(),
              s.get("medianMs"),
              s.get("maxMs"),
              s.get("minMs"),
              s.get("runs"),
              s.get("allMs"));
        }
      }
      System.out.println();
    }
    Object b = result.get("massFailover");
    if (b instanceof Map<?, ?> byFailure) {
      String row = "%-8s %-6s %9s %9s %13s %9s %9s %9s %9s %8s %8s %8s%n";
      System.out.println(
          "(b) simulated clients on the primary, which fails; the secondary takes them (ms after the failure)");
      System.out.printf(
          row,
          "failure",
          "run",
          "allInAPI",
          "lastWelc",
          "accepts",
          "acc/s1s",
          "acc/s.1s",
          "welc/s1s",
          "heapMiB",
          "heapPk",
          "cpuPk",
          "cpuSec");
      for (Map.Entry<?, ?> e : byFailure.entrySet()) {
        Map<String, Object> f = (Map<String, Object>) e.getValue();
        List<Map<String, Object>> runs = (List<Map<String, Object>>) f.get("runs");
        for (int i = 0; i < runs.size(); i++) {
          Map<String, Object> r = runs.get(i);
          Map<String, Object> heap = (Map<String, Object>) r.get("secondaryHeap");
          Map<String, Object> cpu = (Map<String, Object>) r.get("secondaryCpu");
          System.out.printf(
              row,
              e.getKey(),
              "#" + (i + 1) + "/" + r.get("clients"),
              r.get("failureToAllListedBySecondaryApiMs"),
              r.get("failureToLastWelcomeFromSecondaryMs"),
              r.get("firstAcceptedMsAfterFailure") + "-" + r.get("lastAcceptedMsAfterFailure"),
              r.get("acceptedConnectionsPerSecondPeak"),
              r.get("acceptedConnectionsPerSecondPeakOver100ms"),
              r.get("welcomesPerSecondPeak"),
              heap.get("baselineMiB"),
              heap.get("peakMiB"),
              cpu.get("peakCores500ms"),
              cpu.get("cpuSecondsFailureToAllConnected"));
        }
        System.out.println("  median: " + f.get("median"));
      }
      System.out.println(
          "  acc/s1s, welc/s1s: peak per sliding 1-s window; acc/s.1s: peak per 100-ms window x 10;"
              + " cpuPk: secondary's peak cores over 500 ms; cpuSec: its CPU seconds from the failure to all connected");
    }
  }

  /** Medians over runs of the figures that matter most, for the summary. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> medians(List<Map<String, Object>> runs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k :
        List.of(
            "failureToAllListedBySecondaryApiMs",
            "failureToLastWelcomeFromSecondaryMs",
            "acceptedConnectionsPerSecondPeak",
            "acceptedConnectionsPerSecondPeakOver100ms",
            "welcomesPerSecondPeak")) {
      m.put(k, median(runs.stream().map(r -> ((Number) r.get(k)).doubleValue()).toList()));
    }
    m.put(
        "secondaryHeapPeakMiB",
        median(
            runs.stream()
                .map(
                    r ->
                        ((Number) ((Map<String, Object>) r.get("secondaryHeap")).get("peakMiB"))
                            .doubleValue())
                .toList()));
    m.put(
        "secondaryPeakCores500ms",
        median(
            runs.stream()
                .map(
                    r ->
                        ((Number)
                                ((Map<String, Object>) r.get("secondaryCpu")).get("peakCores500ms"))
                            .doubleValue())
                .toList()));
    return m;
  }

  private static double median(List<Double> values) {
    List<Double> v = values.stream().sorted().toList();
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static Map<String, Object> stats(List<Long> ms) {
    List<Long> sorted = ms.stream().sorted().toList();
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return ordered(
        "runs",
        n,
        "medianMs",
        median,
        "maxMs",
        sorted.get(n - 1),
        "minMs",
        sorted.get(0),
        "allMs",
        ms);
  }

  private static long openFilesLimit() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Max open files")) {
          String v = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static void pause(Duration d) throws InterruptedException {
    // a bench paces its own scenario; this is not waiting for the system under test
    Thread.sleep(d.toMillis());
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static double mib(long bytes) {
    return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static void log(String s) {
    System.out.println("[" + Instant.now() + "] " + s);
  }
}
