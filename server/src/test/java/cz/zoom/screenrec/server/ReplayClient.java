package cz.zoom.screenrec.server;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/** A browser stand-in for the replay API: keeps the session cookie and sends the CSRF token. */
final class ReplayClient {
  final String base;
  final HttpClient http;
  String cookie;
  String csrf;

  ReplayClient(ServerFixture fx) throws IOException {
    this.base = fx.base;
    this.http = fx.httpClient().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  HttpResponse<String> login(String user, String password)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        send(
            request("/replay/api/login")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Json.MAPPER.writeValueAsString(
                            Map.of("username", user, "password", password)))));
    if (r.statusCode() == 200) {
      cookie = sessionCookie(r).orElseThrow();
      csrf = json(r).get("csrfToken").asText();
    }
    return r;
  }

  /** Logs in or fails the test. */
  ReplayClient loggedIn(String user, String password) throws IOException, InterruptedException {
    HttpResponse<String> r = login(user, password);
    if (r.statusCode() != 200) {
      throw new AssertionError("login of " + user + " failed: " + r.statusCode() + " " + r.body());
    }
    return this;
  }

  static Optional<String> sessionCookie(HttpResponse<?> r) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("SR_SESSION="))
        .map(c -> c.substring("SR_SESSION=".length(), c.indexOf(';')))
        .findFirst();
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (cookie != null) {
      b.header("Cookie", "SR_SESSION=" + cookie);
    }
    return b;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  HttpResponse<byte[]> getBytes(String path, String range)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send(
        withCsrf(request(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
    return send(
        withCsrf(request(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder withCsrf(HttpRequest.Builder b) {
    if (csrf != null) {
      b.header("X-CSRF-Token", csrf);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  static String error(HttpResponse<String> r) throws IOException {
    return json(r).path("error").asText();
  }
}
