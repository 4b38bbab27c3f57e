package cz.zoom.screenrec.server.peers;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.config.ServerConfig.PeerCluster;
import cz.zoom.screenrec.server.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The REST API of one other cluster, with its API token. Every request has a connect and an answer
 * timeout, so a dead peer costs at most that long and never blocks a page for good. A peer that did
 * not answer a JSON question is not asked the next ones for a while (2 s, doubling to 1 min): those
 * questions are asked on control threads, and anyone may make a HELLO ask them.
 */
public final class PeerClient {
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(2);
  private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);

  private final PeerCluster peer;
  private final HttpClient http;
  private final Duration timeout;
  private volatile String clusterId;
  private final Object pauseLock = new Object();
  private long pausedUntil = System.nanoTime();
  private Duration pause = Duration.ZERO;

  /** A peer answered with an unexpected status. */
  public static final class PeerException extends IOException {
    private final int status;

    public PeerException(String message, int status) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  PeerClient(PeerCluster peer, HttpClient http, Duration timeout) {
    this.peer = peer;
    this.http = http;
    this.timeout = timeout;
  }

  public URI url() {
    return peer.url();
  }

  /**
   * The peer's cluster id once known (from GET /api/v1/cluster or an answer naming it), else null.
   */
  public String knownClusterId() {
    return clusterId;
  }

  void clusterId(String id) {
    clusterId = id;
  }

  /** Asks the peer for its cluster id. */
  public String resolveClusterId() throws IOException, InterruptedException {
    String id =
        getJson("/api/v1/cluster")
            .orElseThrow(() -> new PeerException(peer.url() + " has no /api/v1/cluster", 404))
            .path("clusterId")
            .asText(null);
    if (id == null || id.isEmpty()) {
      throw new IOException(peer.url() + " did not say its cluster id");
    }
    clusterId = id;
    return id;
  }

  /**
   * GET a JSON document; empty on 404, an exception on anything else but 200, and at once while the
   * peer is paused after not answering.
   */
  public Optional<JsonNode> getJson(String path) throws IOException, InterruptedException {
    synchronized (pauseLock) {
      long left = pausedUntil - System.nanoTime();
      if (left > 0) {
        throw new IOException(
            peer.url() + " did not answer lately; asked again in " + left / 1_000_000 + " ms");
      }
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      synchronized (pauseLock) {
        pause = pause.isZero() ? FIRST_PAUSE : min(pause.multipliedBy(2), LONGEST_PAUSE);
        pausedUntil = System.nanoTime() + pause.toNanos();
      }
      throw e;
    }
    synchronized (pauseLock) {
      pause = Duration.ZERO;
    }
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new PeerException(peer.url() + path + " answered " + r.statusCode(), r.statusCode());
    }
    return Optional.of(Json.MAPPER.readTree(r.body()));
  }

  public CompletableFuture<HttpResponse<byte[]>> getAsync(String path) {
    return http.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * GET with the given request headers (e.g. Range), answering as soon as the status and headers
   * are in; the caller streams and closes the body.
   */
  public HttpResponse<InputStream> stream(String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).GET();
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Downloads a whole file (export needs a peer's media locally). */
  public void download(String path, Path target) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = stream(path, Map.of());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new PeerException(peer.url() + path + " answered " + r.statusCode(), r.statusCode());
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * {@link #download} of a video the peer encodes on request: while it answers {@code 202} the
   * request is made again after its {@code Retry-After} (1 to 30 s), for at most {@code maxWait}.
   */
  public void downloadVideo(String path, Path target, Duration maxWait)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    for (; ; ) {
      HttpResponse<InputStream> r = stream(path, Map.of());
      try (InputStream in = r.body()) {
        if (r.statusCode() == 200) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          return;
        }
        if (r.statusCode() != 202) {
          throw new PeerException(
              peer.url() + path + " answered " + r.statusCode(), r.statusCode());
        }
      }
      long waitS = 2;
      try {
        waitS = Long.parseLong(r.headers().firstValue("Retry-After").orElse("2").trim());
      } catch (NumberFormatException e) {
        // a date or nonsense: the default
      }
      long waitMs = Math.max(1, Math.min(30, waitS)) * 1000;
      if (System.nanoTime() + waitMs * 1_000_000 > deadline) {
        throw new IOException(peer.url() + path + " was still encoding after " + maxWait);
      }
      Thread.sleep(waitMs);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(peer.url() + path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + peer.token());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public String toString() {
    return peer.url().toString();
  }
}
