package cz.zoom.screenrec.bench.enrollment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.bench.Machine;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.trust.Enroller;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.PinnedCa;
import cz.zoom.screenrec.trust.Tls;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * Enrollment of many desktops in a row against a real server: each one as a desktop does it (a new
 * key pair, a new TLS connection that pins the token's CA, a certification request, the answer
 * checked), timed one by one. The anchor, in the same run: a fresh pinned TLS connection that only
 * fetches the CA, i.e. what any first HTTPS request to the server costs. See bench/README.md.
 */
public final class EnrollmentBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static void main(String[] args) throws Exception {
    int desktops = 1_000;
    Path out = Path.of("bench/results/enrollment.json");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--desktops" -> desktops = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("usage: enrollment [--desktops N] [--out FILE]");
          System.exit(2);
        }
      }
    }
    String loadAtStart = Machine.loadAverage();
    try (ServerProcess server = ServerProcess.builder().start()) {
      EnrollmentToken token = EnrollmentToken.parse(server.enrollToken());
      // warm-up: JIT and the server's first requests are not what a fleet's enrollment costs
      for (int i = 0; i < 20; i++) {
        Enroller.enroll(server.httpUri(), token, "warm-up-" + i);
        fetchCa(server, token);
      }
      long[] enroll = new long[desktops];
      long[] anchor = new long[desktops];
      long t0 = System.nanoTime();
      for (int i = 0; i < desktops; i++) {
        long s = System.nanoTime();
        Enroller.enroll(server.httpUri(), token, "desktop-" + i);
        enroll[i] = System.nanoTime() - s;
      }
      long enrollTotal = System.nanoTime() - t0;
      for (int i = 0; i < desktops; i++) {
        long s = System.nanoTime();
        fetchCa(server, token);
        anchor[i] = System.nanoTime() - s;
      }
      ObjectNode result = JSON.createObjectNode();
      result.put("bench", "enrollment");
      result.put("when", Instant.now().toString());
      result
          .putObject("machine")
          .put("cores", Runtime.getRuntime().availableProcessors())
          .put(
              "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
          .put("loadAverageAtStart", loadAtStart)
          .put("loadAverageAtEnd", Machine.loadAverage());
      result.put("desktops", desktops);
      result.put("enrollmentsPerSecond", desktops / (enrollTotal / 1e9));
      result.set("enrollMs", stats(enroll));
      result.set("anchorFreshTlsGetMs", stats(anchor));
      String listed = server.api().get("api/v1/desktops").text();
      result.put("desktopsListed", JSON.readTree(listed).size());
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, JSON.writeValueAsString(result));
      System.out.println(JSON.writeValueAsString(result));
      System.out.println("written to " + out);
    }
  }

  private static void fetchCa(ServerProcess server, EnrollmentToken token) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(PinnedCa.context(token.caFingerprint()))
            .sslParameters(Tls.clientParameters())
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(server.httpUri().resolve("/enroll/v1/ca.pem")).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET ca.pem: " + r.statusCode());
    }
  }

  private static ObjectNode stats(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    ObjectNode n = JSON.createObjectNode();
    n.put("p50", ms(s[s.length / 2]));
    n.put("p90", ms(s[(int) (s.length * 0.9)]));
    n.put("p99", ms(s[Math.min(s.length - 1, (int) (s.length * 0.99))]));
    n.put("max", ms(s[s.length - 1]));
    n.put("mean", ms((long) Arrays.stream(s).average().orElse(0)));
    return n;
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
