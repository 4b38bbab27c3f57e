package cz.zoom.screenrec.systemtest.attack;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow clients must not stall the HTTP port. 300 connections send a login body one byte every five
 * seconds while the call recorder starts and ends calls for a real client and a monitor polls
 * /healthz; every call event and health check must answer, and promptly. The attack comes from
 * other loopback addresses than the test's own requests (127.0.0.1), once from one address (the
 * per-address login bound meets it) and once spread over a hundred (the replay's own bound of
 * requests in progress, and the body rate, keep it off the other areas' threads).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HttpAttackTest {
  static final int CONNECTIONS = 300;
  static final Duration ATTACK = Duration.ofSeconds(20);
  static final Duration PROMPT = Duration.ofSeconds(3);

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  static ServerProcess server;
  static HttpClient http;

  @BeforeAll
  static void serverWithAConnectedAgent() throws Exception {
    XvfbDisplay display = processes.add(XvfbDisplay.start(640, 480));
    server = processes.add(ServerProcess.builder().start());
    processes.add(ClientProcess.builder("alice").server(server).display(display).start());
    server.api().awaitAgent("alice", Duration.ofSeconds(60));
    http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(server.api().tls())
            .build();
  }

  @AfterAll
  static void serverSurvived() {
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void slowLoginBodiesFromOneAddressStallNeitherCallEventsNorHealth() throws Exception {
    try (SlowBodies attack = SlowBodies.start(server, List.of("127.0.0.3"), CONNECTIONS)) {
      Workload w = Workload.runFor(ATTACK);
      w.assertAllPrompt(attack);
      // the attack was real and was met: the address got its few logins, the rest were refused
      Map<Integer, Integer> answers = attack.answers();
      assertThat(answers.getOrDefault(429, 0))
          .as("answers %s", answers)
          .isGreaterThanOrEqualTo(CONNECTIONS - 50);
    }
  }

  @Test
  void slowBodiesFromManyAddressesStallNeitherCallEventsNorHealth() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      addresses.add("127.0.1." + (i + 10));
    }
    try (SlowBodies attack = SlowBodies.start(server, addresses, CONNECTIONS)) {
      Workload w = Workload.runFor(ATTACK);
      w.assertAllPrompt(attack);
      // the bodies too slow were cut off (408), not waited for to the idle timeout
      Map<Integer, Integer> answers = attack.answers();
      assertThat(answers.getOrDefault(408, 0) + attack.closed())
          .as("answers %s", answers)
          .isPositive();
    }
  }

  /** The call recorder and a health monitor at work: call starts and ends, and /healthz, timed. */
  static final class Workload {
    final List<String> failures = new ArrayList<>();
    final List<Long> millis = new ArrayList<>();
    int calls;

    static Workload runFor(Duration d) throws Exception {
      Workload w = new Workload();
      long until = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < until) {
        // the client clears its recording a moment after the call ends; a new call waits for that
        server.api().awaitAgentState("alice", "IDLE", Duration.ofSeconds(30));
        String call = "attack-" + UUID.randomUUID();
        w.time("GET /healthz", "GET", "/healthz", null, 200);
        w.time(
            "start " + call,
            "POST",
            "/api/v1/calls/" + call + "/start",
            "{\"agent\":\"alice\"}",
            201);
        w.time("GET /healthz", "GET", "/healthz", null, 200);
        w.time("end " + call, "POST", "/api/v1/calls/" + call + "/end", "{}", 200);
        w.calls++;
      }
      return w;
    }

    void time(String what, String method, String path, String json, int expected)
        throws InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(server.httpUri().resolve(path))
              .timeout(Duration.ofSeconds(20))
              .header("Authorization", "Bearer " + server.apiToken());
      if (json != null) {
        b.header("Content-Type", "application/json");
      }
      b.method(
          method,
          json == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json));
      long t0 = System.nanoTime();
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        millis.add(ms);
        if (r.statusCode() != expected) {
          failures.add(what + " answered " + r.statusCode() + " " + r.body());
        } else if (ms > PROMPT.toMillis()) {
          failures.add(what + " took " + ms + " ms");
        }
      } catch (IOException e) {
        failures.add(what + " failed after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e);
      }
    }

    void assertAllPrompt(SlowBodies attack) {
      System.out.printf(
          "%d calls, %d requests, slowest %d ms; attack answered %s, %d connections closed%n",
          calls,
          millis.size(),
          millis.stream().mapToLong(Long::longValue).max().orElse(-1),
          attack.answers(),
          attack.closed());
      assertThat(calls).as("calls started and ended during the attack").isGreaterThanOrEqualTo(5);
      assertThat(failures)
          .as(
              "slowest %d ms of %d requests",
              millis.stream().mapToLong(Long::longValue).max().orElse(-1), millis.size())
          .isEmpty();
    }
  }

  /**
   * Connections from the given source addresses (round robin), each sending a login request that
   * announces a body (under the login size limit), then one byte of it every five seconds. Whatever
   * the server answers is collected; closing stops the attack and closes every connection.
   */
  static final class SlowBodies implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();
    private final List<StringBuilder> received = new ArrayList<>();
    private final boolean[] ended;
    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    private SlowBodies(int n) {
      ended = new boolean[n];
    }

    static SlowBodies start(ServerProcess server, List<String> from, int n) throws IOException {
      SlowBodies a = new SlowBodies(n);
      URI base = server.httpUri();
      byte[] head =
          ("POST /replay/api/login HTTP/1.1\r\nHost: "
                  + base.getAuthority()
                  + "\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < n; i++) {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(from.get(i % from.size()), 0));
        plain.connect(new InetSocketAddress(base.getHost(), base.getPort()));
        // the attack comes after the handshake, as any client's body does
        SSLSocket s =
            (SSLSocket)
                server
                    .api()
                    .tls()
                    .getSocketFactory()
                    .createSocket(plain, base.getHost(), base.getPort(), true);
        s.startHandshake();
        s.getOutputStream().write(head);
        s.getOutputStream().flush();
        s.setSoTimeout(1); // reads below only look whether something came
        a.sockets.add(s);
        a.received.add(new StringBuilder());
      }
      a.drip.scheduleWithFixedDelay(a::dripAndRead, 5, 5, TimeUnit.SECONDS);
      return a;
    }

    private synchronized void dripAndRead() {
      readAll();
      for (int i = 0; i < sockets.size(); i++) {
        if (!ended[i]) {
          try {
            sockets.get(i).getOutputStream().write(' ');
            sockets.get(i).getOutputStream().flush();
          } catch (IOException e) {
            ended[i] = true;
          }
        }
      }
    }

    private synchronized void readAll() {
      byte[] buf = new byte[8192];
      for (int i = 0; i < sockets.size(); i++) {
        if (ended[i]) {
          continue;
        }
        try {
          int n = sockets.get(i).getInputStream().read(buf);
          if (n < 0) {
            ended[i] = true;
          } else if (n > 0) {
            received.get(i).append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          }
        } catch (java.net.SocketTimeoutException nothingYet) {
          // still open, nothing sent
        } catch (IOException e) {
          ended[i] = true;
        }
      }
    }

    /** How many connections were answered with each status so far. */
    synchronized Map<Integer, Integer> answers() {
      readAll();
      Map<Integer, Integer> m = new TreeMap<>();
      for (StringBuilder r : received) {
        if (r.length() >= 12 && r.substring(0, 9).startsWith("HTTP/1.1 ")) {
          m.merge(Integer.parseInt(r.substring(9, 12)), 1, Integer::sum);
        }
      }
      return m;
    }

    /** Connections the server closed, answered or not. */
    synchronized int closed() {
      readAll();
      int c = 0;
      for (boolean e : ended) {
        c += e ? 1 : 0;
      }
      return c;
    }

    @Override
    public synchronized void close() {
      drip.shutdownNow();
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing is all that is left to do
        }
      }
    }
  }
}
