package cz.zoom.screenrec.impl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged controller jar, loaded as a desktop loads it, running the real bundled Capture
 * Client against a real server. Runs in the integration-test phase (mvn verify), when the jar
 * exists.
 */
class ControllerJarIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String AGENT = "it-agent";

  @TempDir Path work;
  private HttpClient http;
  private final String token = "it-" + UUID.randomUUID();
  private Process server;
  private IsolatedController controller;
  private Object starter;

  @AfterEach
  void tearDown() throws Exception {
    if (starter != null) {
      IsolatedController.stop(starter);
    }
    if (controller != null) {
      controller.close();
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    System.clearProperty("screenrec.controller.dir");
    System.clearProperty("screenrec.client.args");
    System.clearProperty("screenrec.enroll.token");
  }

  private static Path controllerJar() {
    Path jar = Path.of(System.getProperty("screenrec.test.controllerJar", "target/missing.jar"));
    assertThat(jar).as("packaged controller jar").isRegularFile();
    return jar;
  }

  @Test
  void theJarHoldsOnlyTheControllerAndAnIntactClientBundle() throws Exception {
    try (JarFile jar = new JarFile(controllerJar().toFile())) {
      List<String> names = jar.stream().map(ZipEntry::getName).collect(Collectors.toList());
      // nothing but our own package (and the directories leading to it): no shaded libraries
      assertThat(names)
          .allMatch(
              n ->
                  n.startsWith("META-INF/")
                      || n.startsWith("cz/zoom/screenrec/impl/controller/")
                      || n.endsWith("/") && "cz/zoom/screenrec/impl/controller/".startsWith(n));
      assertThat(names).contains("cz/zoom/screenrec/impl/controller/ScreenRecorderStarter.class");
      ZipEntry bundle =
          jar.getEntry("cz/zoom/screenrec/impl/controller/internal/client-bundle.zip");
      assertThat(bundle).isNotNull();
      try (ZipInputStream zip = new ZipInputStream(jar.getInputStream(bundle))) {
        ZipEntry first = zip.getNextEntry();
        assertThat(first.getName()).isEqualTo("bundle.manifest");
        String manifest = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(manifest)
            .contains(
                "main-class cz.zoom.screenrec.client.ClientMain",
                "class-path screenrec-client.jar",
                "class-path lib/screenrec-protocol-");
      }
    }
    try (IsolatedController c = IsolatedController.fromJar(controllerJar())) {
      assertThat(c.starterClass.getClassLoader()).isSameAs(c.loader);
    }
  }

  @Test
  void supervisesTheRealClientAgainstARealServer() throws Throwable {
    Path serverJar =
        Path.of(
            System.getProperty(
                "screenrec.test.serverJar", "../server/target/screenrec-server.jar"));
    Assumptions.assumeTrue(
        Files.isRegularFile(serverJar),
        "no server jar at " + serverJar + " (build the server module first)");
    int controlPort = freePort();
    int httpPort = freePort();
    server =
        new ProcessBuilder(
                javaBin(),
                "-jar",
                serverJar.toString(),
                "--data-dir",
                work.resolve("data").toString(),
                "--bind",
                "127.0.0.1",
                "--control-port",
                Integer.toString(controlPort),
                "--http-port",
                Integer.toString(httpPort),
                "--api-token",
                token)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("server.log").toFile())
            .start();
    String base = "https://127.0.0.1:" + httpPort;
    Path ca = work.resolve("data").resolve("tls").resolve("ca.pem");
    await().atMost(WAIT).until(() -> Files.isRegularFile(ca) && Files.size(ca) > 0);
    http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .sslContext(trusting(ca))
            .build();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(base + "/healthz").statusCode() == 200);

    Path instances = Files.createDirectories(work.resolve("tmp"));
    System.setProperty("screenrec.controller.dir", instances.toString());
    System.setProperty(
        "screenrec.client.args",
        "--spool \""
            + work.resolve("spool")
            + "\" --credentials \""
            + work.resolve("credentials")
            + "\" --enroll-url "
            + base);
    // an existing desktop calling the two-argument constructor, enrolled by configuration alone
    System.setProperty(
        "screenrec.enroll.token",
        Files.readString(work.resolve("data").resolve("enroll-token")).strip());
    controller = IsolatedController.fromJar(controllerJar());
    starter = controller.start(AGENT, List.of("127.0.0.1:" + controlPort));

    String firstAddress =
        await().atMost(WAIT).until(() -> agentAddress(base), Optional::isPresent).orElseThrow();
    Path dir = onlyInstanceDir(instances);
    ProcessHandle client = clientProcess(dir).orElseThrow();

    client.destroyForcibly();

    await()
        .atMost(WAIT)
        .until(() -> agentAddress(base).filter(a -> !a.equals(firstAddress)).isPresent());
    ProcessHandle restarted = clientProcess(dir).orElseThrow();
    assertThat(restarted.pid()).isNotEqualTo(client.pid());

    IsolatedController.stop(starter);
    starter = null;

    assertThat(restarted.isAlive()).isFalse();
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(
                    p ->
                        p.pid() != server.pid()
                            && server.toHandle().descendants().noneMatch(d -> d.pid() == p.pid())))
        .isEmpty();
    assertThat(dir).doesNotExist();
    await().atMost(WAIT).until(() -> agentAddress(base).isEmpty());
  }

  private Optional<String> agentAddress(String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/agents"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m =
        Pattern.compile("\\{[^{}]*\"agent\"\\s*:\\s*\"" + AGENT + "\"[^{}]*}").matcher(r.body());
    if (!m.find()) {
      return Optional.empty();
    }
    Matcher addr = Pattern.compile("\"remoteAddress\"\\s*:\\s*\"([^\"]*)\"").matcher(m.group());
    return Optional.of(addr.find() ? addr.group(1) : m.group());
  }

  /** An SSL context trusting only the server's cluster CA, as any of its users does. */
  private static javax.net.ssl.SSLContext trusting(Path caPem) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (var in = Files.newInputStream(caPem)) {
      ks.setCertificateEntry(
          "ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
    c.init(null, tmf.getTrustManagers(), null);
    return c;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Path onlyInstanceDir(Path instances) throws Exception {
    List<Path> dirs;
    try (var s = Files.list(instances)) {
      dirs =
          s.filter(p -> p.getFileName().toString().startsWith("screenrec-controller-"))
              .collect(Collectors.toList());
    }
    assertThat(dirs).hasSize(1);
    return dirs.get(0);
  }

  private static Optional<ProcessHandle> clientProcess(Path dir) {
    return ProcessHandle.current()
        .children()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
        .findFirst();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
