package cz.zoom.screenrec.server;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.http.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A real server node on free loopback ports with its data in a temporary directory. */
final class ServerFixture implements AutoCloseable {
  static final String TOKEN = "test-api-token-0123456789";
  final ScreenRecServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final String base;

  ServerFixture(Path dataDir, ServerConfig.Builder tweaks) throws Exception {
    int httpPort = freePort();
    server =
        ScreenRecServer.start(
            tweaks
                .dataDir(dataDir)
                .bindAddress("127.0.0.1")
                .controlPort(0)
                .httpPort(httpPort)
                .apiToken(TOKEN)
                .build());
    base = "http://127.0.0.1:" + httpPort;
  }

  ServerFixture(Path dataDir) throws Exception {
    this(
        dataDir,
        ServerConfig.builder()
            .heartbeatIntervalMs(500)
            .deadPeerTimeoutMs(5_000)
            .helloTimeoutMs(3_000));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder api(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send(
        api(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(api(path).GET());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  @Override
  public void close() {
    server.close();
  }
}
