package cz.zoom.screenrec.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.testkit.ProcessCpu;
import cz.zoom.screenrec.testkit.TestTrust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol with nothing but the JDK's WebSocket
 * client: enough to open pages and evaluate scripts (as a user gesture, so media may start) for
 * timing the replay UI. Debian's chromium (-Dscreenrec.chromium), a fresh profile, no network
 * beyond loopback; closed with every process it started.
 */
public final class Cdp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CHROMIUM = System.getProperty("screenrec.chromium", "/usr/bin/chromium");

  private final Process chromium;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private Cdp(Process chromium, Path profile, WebSocket socket) {
    this.chromium = chromium;
    this.profile = profile;
    this.socket = socket;
  }

  public static Cdp launch() throws Exception {
    Path profile = Files.createTempDirectory("screenrec-bench-chromium-");
    Process p =
        new ProcessBuilder(
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                // the bench's own servers' CAs, by their keys (none yet: an empty list)
                "--ignore-certificate-errors-spki-list=" + String.join(",", TestTrust.spkiHashes()),
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IllegalStateException(
              "chromium did not open its DevTools port: "
                  + Files.readString(profile.resolve("chromium.log")));
        }
        Thread.onSpinWait();
        TimeUnit.MILLISECONDS.sleep(
            20); // waiting for another process to write a file; nothing to poll on
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String ws = null;
      for (JsonNode t : targets) {
        if ("page".equals(t.path("type").asText())) {
          ws = t.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (ws == null) {
        throw new IllegalStateException("no page target in " + targets);
      }
      Listener listener = new Listener();
      WebSocket socket =
          http.newWebSocketBuilder().buildAsync(URI.create(ws), listener).get(10, TimeUnit.SECONDS);
      Cdp cdp = new Cdp(p, profile, socket);
      listener.cdp = cdp;
      cdp.call("Page.enable", JSON.createObjectNode());
      return cdp;
    } catch (Exception | Error e) {
      kill(p);
      deleteQuietly(profile);
      throw e;
    }
  }

  public JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    socket.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
    JsonNode r = answer.get(120, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  public void navigate(String url) throws Exception {
    call("Page.navigate", JSON.createObjectNode().put("url", url));
  }

  /**
   * Evaluates an expression (awaiting a promise) as if the user had just clicked; returns its JSON
   * value.
   */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode()
                .put("expression", expression)
                .put("awaitPromise", true)
                .put("returnByValue", true)
                .put("userGesture", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Polls {@code expression} every 10 ms until it is true; returns the ms waited. */
  public double until(String expression, Duration timeout) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      JsonNode v;
      try {
        v = eval(expression);
      } catch (IllegalStateException e) {
        v = null; // the page is still loading its scripts
      }
      if (v != null && v.asBoolean(false)) {
        return (System.nanoTime() - start) / 1e6;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + expression);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /**
   * CPU time (user + system) Chromium's processes have used so far: the browser and every process
   * it started (renderer, GPU, utility), from /proc.
   */
  public long cpuNanos() {
    long sum = 0;
    List<ProcessHandle> all = new ArrayList<>(chromium.descendants().toList());
    all.add(chromium.toHandle());
    for (ProcessHandle h : all) {
      try {
        sum += ProcessCpu.of(h.pid()).toNanos();
      } catch (RuntimeException e) {
        // ended between the listing and the read
      }
    }
    return sum;
  }

  @Override
  public void close() {
    socket.abort();
    kill(chromium);
    deleteQuietly(profile);
  }

  private static void kill(Process p) {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroy);
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a profile left in the temp directory is harmless
    }
  }

  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    volatile Cdp cdp;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode m = JSON.readTree(text);
          if (m.has("id") && cdp != null) {
            CompletableFuture<JsonNode> f = cdp.pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          }
        } catch (IOException ignored) {
          // not JSON: nothing CDP sends
        }
      }
      ws.request(1);
      return null;
    }
  }
}
