package cz.zoom.screenrec.systemtest.replay;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.TestTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user of the replay API without a browser: logs in (cookie + CSRF token) and calls /replay/api,
 * for setting up users and for checking what the browser downloaded or was refused.
 */
final class ReplaySession {
  static final String COOKIE = "SR_SESSION";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .sslContext(TestTrust.sslContext())
          .build();

  private final URI base;
  private final String cookie;
  private final String csrf;

  private ReplaySession(URI base, String cookie, String csrf) {
    this.base = base;
    this.cookie = cookie;
    this.csrf = csrf;
  }

  record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return ScreenRecApi.JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON (" + status + "): " + text(), e);
      }
    }

    Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    @Override
    public String toString() {
      String t = text();
      return status + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
    }
  }

  static Answer send(
      URI base, String method, String path, String json, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Answer tryLogin(URI base, String user, String password) {
    return send(
        base,
        "POST",
        "/replay/api/login",
        ScreenRecApi.JSON
            .createObjectNode()
            .put("username", user)
            .put("password", password)
            .toString(),
        Map.of());
  }

  static ReplaySession login(URI base, String user, String password) {
    Answer a = tryLogin(base, user, password);
    if (a.status() != 200) {
      throw new IllegalStateException("login of " + user + " failed: " + a);
    }
    String setCookie =
        a.headers().entrySet().stream()
            .filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
            .flatMap(e -> e.getValue().stream())
            .filter(c -> c.startsWith(COOKIE + "="))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "login set no " + COOKIE + " cookie: " + a.headers()));
    String value = setCookie.substring(COOKIE.length() + 1).split(";", 2)[0];
    return new ReplaySession(base, value, a.json().get("csrfToken").asText());
  }

  /** A session from a browser's cookie (the CSRF token is fetched from /replay/api/session). */
  static ReplaySession ofCookie(URI base, String cookieValue) {
    Answer a =
        send(
            base, "GET", "/replay/api/session", null, Map.of("Cookie", COOKIE + "=" + cookieValue));
    if (a.status() != 200) {
      throw new IllegalStateException("the browser's session is not valid: " + a);
    }
    return new ReplaySession(base, cookieValue, a.json().get("csrfToken").asText());
  }

  Answer get(String path) {
    return send(base, "GET", path, null, Map.of("Cookie", COOKIE + "=" + cookie));
  }

  Answer post(String path, String json) {
    return send(
        base, "POST", path, json, Map.of("Cookie", COOKIE + "=" + cookie, "X-CSRF-Token", csrf));
  }

  Answer postWithoutCsrf(String path, String json) {
    return send(base, "POST", path, json, Map.of("Cookie", COOKIE + "=" + cookie));
  }

  Answer put(String path, String json) {
    return send(
        base, "PUT", path, json, Map.of("Cookie", COOKIE + "=" + cookie, "X-CSRF-Token", csrf));
  }

  void createUser(String name, String role, String password) {
    Answer a =
        post(
            "/replay/api/users",
            ScreenRecApi.JSON
                .createObjectNode()
                .put("username", name)
                .put("role", role)
                .put("password", password)
                .toString());
    if (a.status() / 100 != 2) {
      throw new IllegalStateException("creating user " + name + " failed: " + a);
    }
  }
}
