package cz.zoom.screenrec.client.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Media Upload Server stand-in on a real HTTP socket: records every PUT, answers as scripted
 * (else 201).
 */
public final class FakeMus implements AutoCloseable {
  private static final Pattern PATH = Pattern.compile("/mus/v1/recordings/([^/]+)/segments/(\\d+)");

  public record Put(
      String recordingId,
      int index,
      String authorization,
      String sha256,
      String finalHeader,
      byte[] body,
      int answered) {
    public boolean isFinal() {
      return "true".equals(finalHeader);
    }
  }

  private final HttpServer server;
  private final List<Put> puts = new CopyOnWriteArrayList<>();
  private final Deque<Integer> script = new ConcurrentLinkedDeque<>();
  private volatile int forced;
  private volatile java.util.function.Consumer<Put> beforeAnswer = p -> {};

  public FakeMus() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String uploadUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/mus/v1";
  }

  /** The next PUTs get these statuses, in order. */
  public void answerNext(int... statuses) {
    for (int s : statuses) {
      script.add(s);
    }
  }

  /** Every PUT gets this status until called with 0 (then the script, else 201, applies again). */
  public void answerAll(int status) {
    forced = status;
  }

  /**
   * Runs for every PUT after it was recorded and before it is answered: for races the test must
   * win.
   */
  public void beforeAnswer(java.util.function.Consumer<Put> action) {
    beforeAnswer = action;
  }

  public List<Put> puts() {
    return new ArrayList<>(puts);
  }

  /** PUTs that were answered 2xx. */
  public List<Put> stored() {
    return puts.stream().filter(p -> p.answered() / 100 == 2).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!"PUT".equals(exchange.getRequestMethod()) || !m.matches()) {
        reply(exchange, 404, "{\"error\":\"not_found\"}");
        return;
      }
      Integer scripted = forced != 0 ? Integer.valueOf(forced) : script.poll();
      int status = scripted == null ? 201 : scripted;
      var h = exchange.getRequestHeaders();
      Put put =
          new Put(
              m.group(1),
              Integer.parseInt(m.group(2)),
              h.getFirst("Authorization"),
              h.getFirst("X-Segment-Sha256"),
              h.getFirst("X-Segment-Final"),
              body,
              status);
      puts.add(put);
      beforeAnswer.accept(put);
      reply(
          exchange,
          status,
          status / 100 == 2
              ? ""
              : "{\"error\":\"scripted\",\"message\":\"test says " + status + "\"}");
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
