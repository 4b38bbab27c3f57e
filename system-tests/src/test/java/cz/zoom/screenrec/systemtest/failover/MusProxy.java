package cz.zoom.screenrec.systemtest.failover;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.trust.Pem;
import cz.zoom.screenrec.trust.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Stands between the Capture Client and one server's Media Upload Server: the server is started
 * with {@code --public-url} pointing here, so every segment the client uploads to that cluster
 * passes through. It records what the client sent (the witness of what the client captured, since
 * the client deletes a segment from its spool once stored) and can be closed and reopened on the
 * same port to make that cluster's MUS unreachable while its control port stays up.
 */
final class MusProxy implements AutoCloseable {
  private static final Pattern SEGMENT_PUT =
      Pattern.compile("/mus/v1/recordings/([^/]+)/segments/(\\d+)");
  private static final List<String> FORWARDED_HEADERS =
      List.of("Authorization", "Content-Type", "X-Segment-Sha256", "X-Segment-Final");

  /** One PUT of a segment as the client sent it, and what the MUS answered (-1: no answer). */
  record Put(String recordingId, int index, String sha256, boolean last, int status) {}

  private final String bind;

  /** 0 until the first bind; then fixed, so a reopened proxy is at the URL the server hands out. */
  private int port;

  private volatile HttpClient upstreamClient =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** The server's own key and certificate once known: the proxy then speaks HTTPS as the MUS. */
  private SSLContext serverTls;

  private final List<Put> puts = new CopyOnWriteArrayList<>();
  private volatile URI upstream;
  private HttpServer server;
  private ExecutorService executor;

  private MusProxy(String bind, int port) {
    this.bind = bind;
    this.port = port;
  }

  /** Listens on a free port of {@code bind}; forwards nowhere until {@link #forwardTo}. */
  static MusProxy start(String bind) {
    MusProxy p = new MusProxy(bind, 0);
    p.open();
    return p;
  }

  /** The base URL to give the server as {@code --public-url}. */
  String publicUrl(boolean tls) {
    return (tls ? "https://" : "http://") + bind + ":" + port();
  }

  synchronized int port() {
    return port;
  }

  /**
   * Forwards to {@code server}'s HTTP port; for a TLS server, the proxy speaks HTTPS with the
   * server's own certificate (it covers the address the two share) and trusts the server's CA.
   */
  void forwardTo(ServerProcess server) {
    this.upstream = server.httpUri();
    if (server.tls()) {
      upstreamClient =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .sslContext(server.api().tls())
              .build();
      Path tls = server.dataDir().resolve("tls");
      List<X509Certificate> chain = Pem.certificates(Pem.read(tls.resolve("server.pem")));
      PrivateKey key = Pem.privateKey(Pem.read(tls.resolve("server-key.pem")));
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(Tls.keyManagers(key, chain).getKeyManagers(), null, null);
        synchronized (this) {
          serverTls = context;
          closePort();
          open();
        }
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Closes the port: connects are refused, as when the MUS host is down. */
  synchronized void closePort() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  /** Listens again on the same port. */
  synchronized void reopen() {
    if (server == null) {
      open();
    }
  }

  synchronized boolean isOpen() {
    return server != null;
  }

  private synchronized void open() {
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind), port);
      HttpServer s;
      if (serverTls == null) {
        s = HttpServer.create(address, 64);
      } else {
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        s = https;
      }
      executor =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "mus-proxy-" + bind);
                t.setDaemon(true);
                return t;
              });
      s.setExecutor(executor);
      s.createContext("/", this::handle);
      s.start();
      server = s;
      port = s.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + bind + ":" + port, e);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = ex.getRequestURI().getRawPath();
      Matcher m = SEGMENT_PUT.matcher(path);
      boolean segmentPut = "PUT".equals(ex.getRequestMethod()) && m.matches();
      int status = -1;
      try {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().getRawPath()))
                .timeout(Duration.ofSeconds(30))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String h : FORWARDED_HEADERS) {
          String v = ex.getRequestHeaders().getFirst(h);
          if (v != null) {
            b.header(h, v);
          }
        }
        HttpResponse<byte[]> r =
            upstreamClient.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        status = r.statusCode();
        r.headers()
            .firstValue("Content-Type")
            .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
        ex.sendResponseHeaders(status, r.body().length == 0 ? -1 : r.body().length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      } catch (IOException e) {
        // the server behind is gone: the client sees a 502, as from a real reverse proxy
        ex.sendResponseHeaders(502, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.sendResponseHeaders(502, -1);
      } finally {
        if (segmentPut) {
          puts.add(
              new Put(
                  m.group(1),
                  Integer.parseInt(m.group(2)),
                  sha256(body),
                  "true".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Segment-Final")),
                  status));
        }
      }
    } finally {
      ex.close();
    }
  }

  List<Put> puts() {
    return List.copyOf(puts);
  }

  /**
   * index → SHA-256 of every segment of the recording the client sent through here (any answer).
   */
  Map<Integer, String> sent(String recordingId) {
    Map<Integer, String> out = new TreeMap<>();
    for (Put p : puts) {
      if (p.recordingId().equals(recordingId)) {
        String before = out.putIfAbsent(p.index(), p.sha256());
        if (before != null && !before.equals(p.sha256())) {
          throw new AssertionError(
              "the client sent two different bodies for segment "
                  + p.index()
                  + " of "
                  + recordingId
                  + ": "
                  + before
                  + " and "
                  + p.sha256());
        }
      }
    }
    return out;
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closePort();
  }
}
