package cz.zoom.screenrec.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cz.zoom.screenrec.server.ScreenRecServer;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * A real Screen Capture server node in this JVM (control protocol, MUS, REST API), on loopback
 * ports, with its data in a directory of the test. Fast heartbeats and short segments so that
 * fail-over happens within test time.
 */
public final class ServerNode implements AutoCloseable {
  public static final String TOKEN = "client-test-api-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScreenRecServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String clusterId;

  private ServerNode(ScreenRecServer server, int httpPort, String clusterId) {
    this.server = server;
    this.base = "http://127.0.0.1:" + httpPort;
    this.clusterId = clusterId;
  }

  /** A node on an ephemeral control port. */
  public static ServerNode start(Path dataDir, String clusterId) throws Exception {
    return start(dataDir, clusterId, 0, freePort(), null);
  }

  /**
   * @param controlPort 0 for an ephemeral one
   * @param publicUrl the base URL clients are told to upload to; null for this node's own HTTP port
   */
  public static ServerNode start(
      Path dataDir, String clusterId, int controlPort, int httpPort, String publicUrl)
      throws Exception {
    ServerConfig.Builder b =
        ServerConfig.builder()
            .dataDir(dataDir)
            .bindAddress("127.0.0.1")
            .controlPort(controlPort)
            .httpPort(httpPort)
            .apiToken(TOKEN)
            .clusterId(clusterId)
            .heartbeatIntervalMs(200)
            .deadPeerTimeoutMs(2_000)
            .helloTimeoutMs(2_000)
            .segmentDurationMs(1_000)
            .framesPerSecond(5)
            // the client's rules are tested here; TLS and enrollment end to end in system-tests
            .plaintext(true);
    if (publicUrl != null) {
      b.publicUrl(publicUrl);
    }
    return new ServerNode(ScreenRecServer.start(b.build()), httpPort, clusterId);
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public String clusterId() {
    return clusterId;
  }

  public int controlPort() {
    return server.controlPort();
  }

  /** The client's {@code -host} argument for this node. */
  public String hostArg() {
    return "127.0.0.1:" + controlPort();
  }

  /**
   * POST /api/v1/calls/{callId}/start: the HTTP status (201 recording, 409 agent not connected
   * here).
   */
  public HttpResponse<String> callStarted(String callId, String agent) throws Exception {
    return send(
        api("/api/v1/calls/" + callId + "/start")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"agent\":\"" + agent + "\"}")));
  }

  public HttpResponse<String> callEnded(String callId) throws Exception {
    return send(api("/api/v1/calls/" + callId + "/end").POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** The recording as GET /api/v1/recordings/{id} shows it; empty on 404. */
  public Optional<JsonNode> recording(String id) throws Exception {
    HttpResponse<String> r = send(api("/api/v1/recordings/" + id).GET());
    return r.statusCode() == 404 ? Optional.empty() : Optional.of(JSON.readTree(r.body()));
  }

  /** The agent's entry in GET /api/v1/agents, if it has a session on this node. */
  public Optional<JsonNode> agent(String name) throws Exception {
    JsonNode all = JSON.readTree(send(api("/api/v1/agents").GET()).body());
    return StreamSupport.stream(all.spliterator(), false)
        .filter(a -> name.equals(a.path("agent").asText()))
        .findFirst();
  }

  /** True when the recording is known here and every one of its segments is stored here. */
  public boolean holdsAllSegments(String id) throws Exception {
    Optional<JsonNode> r = recording(id);
    if (r.isEmpty()
        || r.get().path("segmentCount").isNull()
        || r.get().path("segmentCount").isMissingNode()) {
      return false;
    }
    return r.get().path("segments").size() == r.get().path("segmentCount").asInt();
  }

  private HttpRequest.Builder api(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
