package cz.zoom.screenrec.testkit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** A small client for the server's REST API and Media Upload Server, as documented in docs/. */
public final class ScreenRecApi {
  public static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final SSLContext tls;

  public ScreenRecApi(URI base, String token) {
    this(base, token, null);
  }

  /**
   * @param tls what the server's HTTPS must chain to (its cluster CA); null for http
   */
  public ScreenRecApi(URI base, String token, SSLContext tls) {
    this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    this.token = token;
    this.tls = tls;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1);
    this.http = (tls == null ? b : b.sslContext(tls)).build();
  }

  /** What this client trusts the server's HTTPS by; null for http. */
  public SSLContext tls() {
    return tls;
  }

  public URI base() {
    return base;
  }

  public String token() {
    return token;
  }

  // ---- typed calls: throw ApiException on anything but the documented success ----

  public List<Agent> agents() {
    return expect(get("api/v1/agents"), 200).as(new TypeReference<>() {});
  }

  public Optional<Agent> agent(String name) {
    return agents().stream().filter(a -> name.equals(a.agent())).findFirst();
  }

  public Call startCall(String callId, String agent) {
    String body = JSON.createObjectNode().put("agent", agent).toString();
    return expect(post("api/v1/calls/" + enc(callId) + "/start", body), 201).as(Call.class);
  }

  public Call endCall(String callId) {
    return expect(post("api/v1/calls/" + enc(callId) + "/end", null), 200).as(Call.class);
  }

  public List<Recording> recordingsOfCall(String callId) {
    return expect(get("api/v1/recordings?callId=" + enc(callId)), 200).as(new TypeReference<>() {});
  }

  public List<Recording> recordingsOfAgent(String agent) {
    return expect(get("api/v1/recordings?agent=" + enc(agent)), 200).as(new TypeReference<>() {});
  }

  public Recording recording(String id) {
    return expect(get("api/v1/recordings/" + enc(id)), 200).as(Recording.class);
  }

  /**
   * GET the encoded video, optionally with a {@code Range} header value such as {@code bytes=0-99}.
   * The server encodes it on the first request and answers {@code 202} until it is there; this
   * waits (up to ten minutes, asking as often as its {@code Retry-After} says) and returns the
   * first other answer.
   */
  public Response video(String recordingId, String range) {
    return once("the video of recording " + recordingId, 202, () -> videoOnce(recordingId, range));
  }

  /** The first answer that is not {@code meanwhile} (202 or 503: "being made, ask again"). */
  private static Response once(String what, int meanwhile, Supplier<Response> ask) {
    try {
      return Poll.until(
          what, Duration.ofMinutes(10), Duration.ofMillis(250), ask, r -> r.status() != meanwhile);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private Response videoOnce(String recordingId, String range) {
    return range == null
        ? get("api/v1/recordings/" + enc(recordingId) + "/video")
        : send(
            "GET",
            "api/v1/recordings/" + enc(recordingId) + "/video",
            null,
            token,
            Map.of("Range", range));
  }

  public Path downloadVideo(String recordingId, Path target) {
    Response r = expect(video(recordingId, null), 200);
    try {
      Files.write(target, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** GET the poster thumbnail, waiting while the server makes it (503 with Retry-After). */
  public Response thumbnail(String recordingId) {
    return once(
        "the thumbnail of recording " + recordingId,
        503,
        () -> get("api/v1/recordings/" + enc(recordingId) + "/thumbnail"));
  }

  public Agent awaitAgent(String name, Duration timeout) throws TimeoutException {
    return Poll.until(
        "agent " + name + " connected",
        timeout,
        Duration.ofMillis(100),
        () -> agent(name).orElse(null),
        a -> a != null);
  }

  public Agent awaitAgentState(String name, String state, Duration timeout)
      throws TimeoutException {
    return Poll.until(
        "agent " + name + " in state " + state,
        timeout,
        Duration.ofMillis(100),
        () -> agent(name).orElse(null),
        a -> a != null && state.equals(a.state()));
  }

  public Recording awaitRecording(
      String id, String what, Predicate<Recording> done, Duration timeout) throws TimeoutException {
    return Poll.until(
        "recording " + id + " " + what, timeout, Duration.ofMillis(200), () -> recording(id), done);
  }

  /** Waits for READY; fails at once when the recording goes FAILED instead. */
  public Recording awaitReady(String id, Duration timeout) throws TimeoutException {
    Recording r =
        awaitRecording(
            id,
            "READY or FAILED",
            x -> "READY".equals(x.status()) || "FAILED".equals(x.status()),
            timeout);
    if (!"READY".equals(r.status())) {
      throw new IllegalStateException(
          "recording " + id + " FAILED: " + r.failureReason() + " " + r);
    }
    return r;
  }

  /** Waits until the call's recording shows up in the list and returns it. */
  public Recording awaitRecordingOfCall(String callId, Duration timeout) throws TimeoutException {
    return Poll.until(
            "a recording of call " + callId,
            timeout,
            Duration.ofMillis(100),
            () -> recordingsOfCall(callId),
            l -> !l.isEmpty())
        .get(0);
  }

  // ---- raw calls, for tests of error answers ----

  public Response get(String path) {
    return send("GET", path, null, token, Map.of());
  }

  public Response post(String path, String jsonBody) {
    return send("POST", path, jsonBody, token, Map.of());
  }

  /**
   * Sends one request. {@code path} is relative to the base URI (leading slash allowed) and sent as
   * given, so tests can send traversal attempts; {@code bearer} null sends no Authorization.
   */
  public Response send(
      String method, String path, String jsonBody, String bearer, Map<String, String> headers) {
    HttpRequest.BodyPublisher body =
        jsonBody == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8);
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    if (jsonBody != null) {
      h.putIfAbsent("Content-Type", "application/json");
    }
    return sendBytes(method, resolve(path), body, bearer, h);
  }

  /**
   * PUT of a segment to the Media Upload Server; {@code uploadUrl} is what START/WELCOME carried.
   */
  public Response putSegment(
      String uploadUrl,
      String recordingId,
      String index,
      byte[] segment,
      String uploadToken,
      Map<String, String> headers) {
    URI uri =
        URI.create(
            uploadUrl.replaceAll("/$", "") + "/recordings/" + recordingId + "/segments/" + index);
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.putIfAbsent("Content-Type", "application/octet-stream");
    return sendBytes("PUT", uri, HttpRequest.BodyPublishers.ofByteArray(segment), uploadToken, h);
  }

  /**
   * PUTs segment {@code index} of a recording's {@code segments} with its checksum, the last one
   * marked final, as a client does; returns its bytes. A refusal throws.
   */
  public long uploadSegment(
      String uploadUrl, String recordingId, String uploadToken, List<byte[]> segments, int index) {
    byte[] body = segments.get(index);
    Map<String, String> h = new java.util.LinkedHashMap<>();
    try {
      h.put(
          "X-Segment-Sha256",
          java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (index == segments.size() - 1) {
      h.put("X-Segment-Final", "true");
    }
    Response r = putSegment(uploadUrl, recordingId, String.valueOf(index), body, uploadToken, h);
    if (r.status() / 100 != 2) {
      throw new IllegalStateException("segment " + index + " refused: " + r);
    }
    return body.length;
  }

  public Response sendBytes(
      String method,
      URI uri,
      HttpRequest.BodyPublisher body,
      String bearer,
      Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).method(method, body);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException stale) {
        // a pooled connection the server had just closed (after refusing an earlier body) fails
        // before any answer; the client retries a PUT once, as the Capture Client's uploads do
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      }
      return new Response(method + " " + uri, r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI resolve(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    return URI.create(base + p);
  }

  private static Response expect(Response r, int status) {
    if (r.status() != status) {
      throw new ApiException(r);
    }
    return r;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One HTTP answer. */
  public record Response(
      String request, int status, Map<String, List<String>> headers, byte[] body) {
    public Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
          .map(e -> e.getValue().get(0))
          .findFirst();
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The body as JSON; throws if it is not JSON, which for an error answer is itself a finding.
     */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(
            request + " → " + status + ": body is not JSON: " + abbreviated(), e);
      }
    }

    public <T> T as(Class<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new IllegalStateException(
            request + ": cannot read " + type.getSimpleName() + " from " + abbreviated(), e);
      }
    }

    public <T> T as(TypeReference<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new IllegalStateException(
            request + ": cannot read " + type.getType() + " from " + abbreviated(), e);
      }
    }

    public String abbreviated() {
      String t = text();
      return t.length() <= 500 ? t : t.substring(0, 500) + "...";
    }

    @Override
    public String toString() {
      return request
          + " → "
          + status
          + " "
          + header("Content-Type").orElse("")
          + " "
          + abbreviated();
    }
  }

  /** An answer other than the documented success. */
  public static final class ApiException extends RuntimeException {
    private final Response response;

    public ApiException(Response response) {
      super(response.toString());
      this.response = response;
    }

    public Response response() {
      return response;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Agent(
      String agent,
      String state,
      String connectedAt,
      String machine,
      String clientVersion,
      String role,
      String remoteAddress) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Call(String callId, String agent, String recordingId, String status) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Recording(
      String id,
      String agent,
      String callId,
      String clusterId,
      String status,
      String failureReason,
      Long startedAt,
      Long endedAt,
      List<Segment> segments,
      Video video) {
    public long segmentBytes() {
      return segments == null ? 0 : segments.stream().mapToLong(Segment::bytes).sum();
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Segment(int index, long bytes, String sha256, String clusterId, Long receivedAt) {}

  /**
   * {@code encoded}: the file exists (a first GET of the video makes it); codec, type, bytes with
   * it.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Video(
      boolean encoded, String codec, String contentType, Long bytes, Long durationMs) {}
}
