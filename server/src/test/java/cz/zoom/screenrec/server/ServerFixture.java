package cz.zoom.screenrec.server;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.trust.DesktopCredentials;
import cz.zoom.screenrec.trust.Enroller;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.Pem;
import cz.zoom.screenrec.trust.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * A real server node on free loopback ports with its data in a temporary directory, spoken to as
 * its users do: HTTPS trusting the cluster CA the server made, and control connections of a desktop
 * enrolled with the server's first token (unless the test's builder says --plaintext).
 */
final class ServerFixture implements AutoCloseable {
  static final String TOKEN = "test-api-token-0123456789";
  final ScreenRecServer server;
  final HttpClient http;
  final String base;
  final Path dataDir;
  private final boolean tls;
  private DesktopCredentials desktop;

  ServerFixture(Path dataDir, ServerConfig.Builder tweaks) throws Exception {
    int httpPort = freePort();
    this.dataDir = dataDir;
    ServerConfig config =
        tweaks
            .dataDir(dataDir)
            .bindAddress("127.0.0.1")
            .controlPort(0)
            .httpPort(httpPort)
            .apiToken(TOKEN)
            .build();
    server = ScreenRecServer.start(config);
    tls = !config.plaintext();
    base = (tls ? "https" : "http") + "://127.0.0.1:" + httpPort;
    http =
        tls
            ? HttpClient.newBuilder()
                .sslContext(Tls.clientContext(List.of(ca(dataDir)), null, null))
                .build()
            : HttpClient.newHttpClient();
  }

  /** A second cluster's data dir, given this one's CA before its first start (docs/security.md). */
  Path sharingCa(Path otherDataDir) throws IOException {
    Files.createDirectories(otherDataDir.resolve("tls"));
    for (String f : List.of("ca.pem", "ca-key.pem")) {
      Files.copy(dataDir.resolve("tls").resolve(f), otherDataDir.resolve("tls").resolve(f));
    }
    return otherDataDir;
  }

  /** A control connection from this fixture's enrolled desktop (a plain one with --plaintext). */
  TestAgent agent() throws IOException {
    if (!tls) {
      return new TestAgent(server.controlPort());
    }
    return new TestAgent(server.controlPort(), desktop().sslContext());
  }

  /** The desktop this fixture enrolled with the server's first token, enrolling it once. */
  synchronized DesktopCredentials desktop() throws IOException {
    if (desktop == null) {
      try {
        desktop =
            Enroller.enroll(
                URI.create(base),
                EnrollmentToken.parse(Files.readString(dataDir.resolve("enroll-token"))),
                "test-pc");
      } catch (Enroller.EnrollmentException | InterruptedException e) {
        throw new IOException(e);
      }
    }
    return desktop;
  }

  /** An HTTP client builder that trusts this server as its users' do. */
  HttpClient.Builder httpClient() throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder();
    return tls ? b.sslContext(Tls.clientContext(List.of(ca(dataDir)), null, null)) : b;
  }

  /**
   * A socket to the HTTP port from {@code localAddress} (null: any), for requests written by hand;
   * TLS-wrapped unless --plaintext.
   */
  Socket httpSocket(String localAddress) throws IOException {
    Socket plain = new Socket();
    if (localAddress != null) {
      plain.bind(new InetSocketAddress(localAddress, 0));
    }
    plain.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5_000);
    if (!tls) {
      return plain;
    }
    SSLSocket s =
        (SSLSocket)
            Tls.clientContext(List.of(ca(dataDir)), null, null)
                .getSocketFactory()
                .createSocket(plain, "127.0.0.1", server.httpPort(), true);
    s.setSSLParameters(Tls.clientParameters());
    s.startHandshake();
    return s;
  }

  static X509Certificate ca(Path dataDir) throws IOException {
    return Pem.certificates(Files.readString(dataDir.resolve("tls").resolve("ca.pem"))).get(0);
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
