package cz.zoom.screenrec.server;

import static cz.zoom.screenrec.server.ReplayClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles are checked on the route a request matched, never by comparing path strings: every route of
 * the real port (taken from the server itself, so a new route is covered the day it is added) is
 * asked for in many spellings of its path, and no spelling gets a reviewer into an admin route or
 * anyone without credentials into a guarded one.
 */
class RouteAccessTest {
  static final Object[] OK_STATUSES = java.util.stream.IntStream.range(200, 300).boxed().toArray();
  static final String ADMIN_PASSWORD = "admin-secret-1";
  static final String REVIEWER_PASSWORD = "rita-password";
  static final Map<String, String> SAMPLES =
      Map.of(
          "name",
          "rita",
          "callId",
          "call-1",
          "id",
          UUID.randomUUID().toString(),
          "clusterId",
          "default",
          "exportId",
          "x",
          "at",
          "0",
          "index",
          "0",
          "agent",
          "alice",
          "path",
          "css/replay.css");

  @TempDir static Path dataDir;
  static ServerFixture fx;
  static ReplayClient admin;
  static ReplayClient reviewer;
  static List<HttpApi.Route> routes;

  @BeforeAll
  static void serverWithAnAdminAndAReviewer() throws Exception {
    fx = new ServerFixture(dataDir, ServerConfig.builder().adminPassword(ADMIN_PASSWORD));
    admin = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    assertThat(
            admin
                .post(
                    "/replay/api/users",
                    "{\"username\":\"rita\",\"password\":\""
                        + REVIEWER_PASSWORD
                        + "\",\"role\":\"REVIEWER\"}")
                .statusCode())
        .isEqualTo(201);
    reviewer = new ReplayClient(fx).loggedIn("rita", REVIEWER_PASSWORD);
    routes = fx.server.httpRoutes();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void everyRouteNamesExactlyOneAccessAndHeadFollowsGet() {
    assertThat(routes)
        .hasSizeGreaterThan(30)
        .allSatisfy(r -> assertThat(r.access()).as(r.toString()).isNotNull());
    assertThat(routes)
        .filteredOn(r -> r.method().equals("GET"))
        .allSatisfy(
            get ->
                assertThat(routes).contains(new HttpApi.Route("HEAD", get.path(), get.access())));
    assertThat(routes)
        .filteredOn(r -> r.access() == Access.ADMIN)
        .extracting(HttpApi.Route::path)
        .contains(
            "/replay/api/users",
            "/replay/api/users/{name}",
            "/replay/api/audit",
            "/replay/api/audit.csv");
  }

  @Test
  void noSpellingOfAnAdminRouteLetsAReviewerIn() throws Exception {
    List<HttpApi.Route> adminRoutes =
        routes.stream()
            .filter(r -> r.access() == Access.ADMIN || r.access() == Access.ADMIN_PAGE)
            .toList();
    assertThat(adminRoutes).hasSizeGreaterThanOrEqualTo(10);
    SoftAssertions soft = new SoftAssertions();
    for (HttpApi.Route route : adminRoutes) {
      String path = concrete(route.path());
      HttpResponse<String> plain = send(reviewer, route.method(), path);
      soft.assertThat(plain.statusCode()).as("reviewer %s %s", route.method(), path).isEqualTo(403);
      if (route.access() == Access.ADMIN && !route.method().equals("HEAD")) {
        soft.assertThat(error(plain))
            .as("reviewer %s %s", route.method(), path)
            .isEqualTo("forbidden");
      }
      HttpResponse<String> good = send(admin, route.method(), path);
      soft.assertThat(good.statusCode())
          .as("admin %s %s", route.method(), path)
          .isNotIn(401, 403, 404, 405);
      for (String variant : variants(path)) {
        int status = send(reviewer, route.method(), variant).statusCode();
        soft.assertThat(status).as("reviewer %s %s", route.method(), variant).isNotIn(OK_STATUSES);
      }
    }
    soft.assertAll();
  }

  @Test
  void noSpellingOfAGuardedRouteLetsAStrangerIn() throws Exception {
    ReplayClient stranger = new ReplayClient(fx);
    List<HttpApi.Route> guarded = routes.stream().filter(r -> r.access() != Access.OPEN).toList();
    SoftAssertions soft = new SoftAssertions();
    for (HttpApi.Route route : guarded) {
      String path = concrete(route.path());
      HttpResponse<String> plain = send(stranger, route.method(), path);
      boolean page = route.access() == Access.REVIEWER_PAGE || route.access() == Access.ADMIN_PAGE;
      soft.assertThat(plain.statusCode())
          .as("%s %s", route.method(), path)
          .isEqualTo(page ? 303 : 401);
      for (String variant : variants(path)) {
        int status = send(stranger, route.method(), variant).statusCode();
        soft.assertThat(status).as("%s %s", route.method(), variant).isNotIn(OK_STATUSES);
      }
    }
    soft.assertAll();
  }

  @Test
  void aSessionOpensNoApiTokenRouteAndTheTokenNoSessionRoute() throws Exception {
    SoftAssertions soft = new SoftAssertions();
    for (HttpApi.Route route : routes) {
      String path = concrete(route.path());
      if (route.access() == Access.API_TOKEN) {
        soft.assertThat(send(admin, route.method(), path).statusCode())
            .as("%s %s", route.method(), path)
            .isEqualTo(401);
      } else if (route.access() == Access.REVIEWER || route.access() == Access.ADMIN) {
        HttpRequest.Builder b =
            request(new ReplayClient(fx), route.method(), path)
                .header("Authorization", "Bearer " + ServerFixture.TOKEN);
        soft.assertThat(fx.http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
            .as("%s %s", route.method(), path)
            .isEqualTo(401);
      }
    }
    soft.assertAll();
  }

  @Test
  void ambiguousPathsAreRefusedBeforeAnyRouteWithAJsonError() throws Exception {
    for (String path :
        List.of(
            "/replay//api/audit",
            "//replay/api/audit",
            "/replay/api%2Faudit",
            "/replay/api/%2e%2e/api/audit",
            "/replay/api/..;/api/audit",
            "/api/v1/recordings/%2e%2e",
            "/replay/%2561pi/audit",
            "/mus/v1/recordings/%2e%2e/segments/0")) {
      for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
        HttpResponse<String> r = send(reviewer, method, path);
        assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type"))
            .as("%s %s", method, path)
            .get()
            .asString()
            .startsWith("application/json");
        assertThat(Json.MAPPER.readTree(r.body()).path("error").asText())
            .as(path)
            .isEqualTo("bad_request");
      }
    }
  }

  @Test
  void aJsonBodyOverThePortsLimitIsRefusedWithAJsonError() throws Exception {
    String big = "{\"username\":\"" + "u".repeat(2 * 1024 * 1024) + "\"}";
    HttpResponse<String> r = admin.post("/replay/api/users", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    assertThat(error(r)).isEqualTo("too_large");
  }

  /** The route's path with a sample value for each parameter. */
  static String concrete(String route) {
    String p = route;
    for (Map.Entry<String, String> e : SAMPLES.entrySet()) {
      p =
          p.replace("{" + e.getKey() + "}", e.getValue())
              .replace("<" + e.getKey() + ">", e.getValue());
    }
    return p;
  }

  /** Spellings of one path that a path-string check could tell apart from it. */
  static Set<String> variants(String path) {
    Set<String> v = new LinkedHashSet<>();
    v.add(path + "/");
    v.add(path + "//");
    v.add("/" + path);
    v.add(path + ";x");
    v.add(path + "/;x");
    v.add(path.toUpperCase(Locale.ROOT));
    v.add(path + "%2F");
    v.add(path + "/.");
    v.add(path + "?x=/..");
    List<Integer> slashes = new ArrayList<>();
    for (int i = 1; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        slashes.add(i);
      }
    }
    for (int i : slashes) {
      v.add(path.substring(0, i) + "/" + path.substring(i));
      v.add(path.substring(0, i) + "%2F" + path.substring(i + 1));
      v.add(path.substring(0, i) + "%2f" + path.substring(i + 1));
      v.add(path.substring(0, i) + ";x" + path.substring(i));
      v.add(path.substring(0, i) + "/." + path.substring(i));
      v.add(path.substring(0, i) + "/x/.." + path.substring(i));
      v.add(path.substring(0, i) + "/%2e" + path.substring(i));
      // the segment after this slash spelt with a capital, and with its first letter
      // percent-encoded
      char c = path.charAt(i + 1);
      if (Character.isLetter(c)) {
        v.add(path.substring(0, i + 1) + Character.toUpperCase(c) + path.substring(i + 2));
        v.add(path.substring(0, i + 1) + String.format("%%%02X", (int) c) + path.substring(i + 2));
        v.add(path.substring(0, i + 1) + String.format("%%%02x", (int) c) + path.substring(i + 2));
      }
    }
    v.remove(path);
    return v;
  }

  static HttpRequest.Builder request(ReplayClient who, String method, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.base + path));
    if (who.cookie != null) {
      b.header("Cookie", "SR_SESSION=" + who.cookie);
    }
    if (who.csrf != null) {
      b.header("X-CSRF-Token", who.csrf);
    }
    boolean body = method.equals("POST") || method.equals("PUT");
    if (body) {
      b.header("Content-Type", "application/json");
    }
    return b.method(
        method,
        body ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
  }

  static HttpResponse<String> send(ReplayClient who, String method, String path) throws Exception {
    return who.http.send(request(who, method, path).build(), HttpResponse.BodyHandlers.ofString());
  }
}
