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
 * timeout, so a dead peer costs at most that long and never blocks a page for good.
 */
public final class PeerClient {
  private final PeerCluster peer;
  private final HttpClient http;
  private final Duration timeout;
  private volatile String clusterId;

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

  /** GET a JSON document; empty on 404, an exception on anything else but 200. */
  public Optional<JsonNode> getJson(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
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

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(peer.url() + path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + peer.token());
  }

  @Override
  public String toString() {
    return peer.url().toString();
  }
}
