package cz.zoom.screenrec.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cz.zoom.screenrec.server.ScreenRecServer;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.HttpLimits;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRoutesTest {
  static final HttpLimits LIMITS = ScreenRecServer.httpLimits(ServerConfig.builder().build());
  private static final String BUNDLE = "screenrec-client-binary-1.2.3.tar.gz";
  private static final String CONTROLLER = "screenrec-controller-1.2.3.jar";

  @TempDir Path tmp;
  private Path plugins;
  private HttpApi http;
  private String base;
  private final HttpClient client = HttpClient.newHttpClient();
  private byte[] bundle;

  @BeforeEach
  void start() throws Exception {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    bundle = new byte[300_000];
    for (int i = 0; i < bundle.length; i++) {
      bundle[i] = (byte) (i * 31 + (i >> 8));
    }
    Files.write(plugins.resolve(BUNDLE), bundle);
    Files.writeString(plugins.resolve(CONTROLLER), "controller");
    Files.writeString(plugins.resolve(CONTROLLER + ".sha256"), "stale  " + CONTROLLER + "\n");
    Files.writeString(plugins.resolve(".hidden"), "secret");
    Files.createDirectories(plugins.resolve("sub"));
    Files.writeString(plugins.resolve("sub").resolve("x.jar"), "x");
    Files.writeString(tmp.resolve("api-token"), "outside");
    Files.createSymbolicLink(plugins.resolve("escape.jar"), tmp.resolve("api-token"));
    http =
        new HttpApi(
                "api-token-for-tests",
                LIMITS,
                HttpApi.SessionGuard.NONE,
                null,
                List.of(new PluginRoutes(plugins, URI.create("http://desk.example:8080/"))))
            .start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + http.port();
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void indexListsTheDownloadableFilesWithSizesChecksumsAndUrls() throws Exception {
    HttpResponse<String> r = get("/callrec/plugins/", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode index = new ObjectMapper().readTree(r.body());
    assertThat(index).hasSize(2);
    assertThat(index.get(0).get("name").asText()).isEqualTo(BUNDLE);
    assertThat(index.get(0).get("bytes").asLong()).isEqualTo(bundle.length);
    assertThat(index.get(0).get("sha256").asText()).isEqualTo(sha256(bundle));
    assertThat(index.get(0).get("url").asText())
        .isEqualTo("http://desk.example:8080/callrec/plugins/" + BUNDLE);
    assertThat(index.get(1).get("name").asText()).isEqualTo(CONTROLLER);
    assertThat(get("/callrec/plugins", null).body()).isEqualTo(r.body());
  }

  @Test
  void filesAreServedWholeAndByRangeAndTheLegacyNameFindsTheArchive() throws Exception {
    HttpResponse<byte[]> full = getBytes("/callrec/plugins/" + BUNDLE, null);
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(bundle);
    assertThat(full.headers().firstValue("Content-Type")).hasValue("application/gzip");
    assertThat(full.headers().firstValue("Content-Disposition")).get().asString().contains(BUNDLE);

    HttpResponse<byte[]> legacy = getBytes("/callrec/plugins/screenrec-client-binary-1.2.3", null);
    assertThat(legacy.statusCode()).isEqualTo(200);
    assertThat(legacy.body()).isEqualTo(bundle);

    HttpResponse<byte[]> rest = getBytes("/callrec/plugins/" + BUNDLE, "bytes=1000-");
    assertThat(rest.statusCode()).isEqualTo(206);
    assertThat(rest.headers().firstValue("Content-Range"))
        .hasValue("bytes 1000-" + (bundle.length - 1) + "/" + bundle.length);
    assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(bundle, 1000, bundle.length));

    assertThat(
            getBytes("/callrec/plugins/" + CONTROLLER, null).headers().firstValue("Content-Type"))
        .hasValue("application/java-archive");
  }

  @Test
  void checksumsAreComputedFromTheServedFileInSha256sumFormat() throws Exception {
    String expected = sha256(bundle) + "  " + BUNDLE + "\n";
    assertThat(get("/callrec/plugins/" + BUNDLE + ".sha256", null).body()).isEqualTo(expected);
    assertThat(get("/callrec/plugins/screenrec-client-binary-1.2.3.sha256", null).body())
        .isEqualTo(expected);
    // a stale .sha256 on disk is not what is served
    assertThat(get("/callrec/plugins/" + CONTROLLER + ".sha256", null).body())
        .isEqualTo(
            sha256("controller".getBytes(StandardCharsets.UTF_8)) + "  " + CONTROLLER + "\n");

    Files.writeString(plugins.resolve(CONTROLLER), "controller, rebuilt");
    Files.setLastModifiedTime(
        plugins.resolve(CONTROLLER), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertThat(get("/callrec/plugins/" + CONTROLLER + ".sha256", null).body())
        .startsWith(sha256("controller, rebuilt".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nothingOutsideThePluginsFolderNorHiddenNorInSubfoldersIsServed() throws Exception {
    for (String path :
        List.of(
            "/callrec/plugins/..%2Fapi-token",
            "/callrec/plugins/%2E%2E%2Fapi-token",
            "/callrec/plugins/.hidden",
            "/callrec/plugins/escape.jar",
            "/callrec/plugins/sub",
            "/callrec/plugins/sub%2Fx.jar",
            "/callrec/plugins/nothing.jar",
            "/callrec/plugins/..",
            "/callrec/plugins/" + "a".repeat(5000))) {
      int status = get(path, null).statusCode();
      assertThat(status).as(path).isIn(400, 404);
    }
    assertThat(raw("GET /callrec/plugins/../api-token HTTP/1.1")).doesNotContain("outside");
    assertThat(raw("GET /callrec/plugins/..%2f..%2fapi-token HTTP/1.1")).doesNotContain("outside");
  }

  @Test
  void aMissingFolderIsAnEmptyIndex() throws Exception {
    http.close();
    http =
        new HttpApi(
                "api-token-for-tests",
                LIMITS,
                HttpApi.SessionGuard.NONE,
                null,
                List.of(new PluginRoutes(tmp.resolve("missing"), URI.create("http://x"))))
            .start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + http.port();
    assertThat(get("/callrec/plugins/", null).body()).isEqualTo("[]");
    assertThat(get("/callrec/plugins/" + BUNDLE, null).statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path, String range) throws Exception {
    return client.send(request(path, range), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getBytes(String path, String range) throws Exception {
    return client.send(request(path, range), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest request(String path, String range) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (range != null) {
      b.header("Range", range);
    }
    return b.build();
  }

  /** A request line sent as is: the HTTP client would normalise the dot segments away. */
  private String raw(String requestLine) throws Exception {
    try (Socket s = new Socket("127.0.0.1", http.port())) {
      s.getOutputStream()
          .write(
              (requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
