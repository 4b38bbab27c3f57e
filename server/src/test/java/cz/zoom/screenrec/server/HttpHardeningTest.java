package cz.zoom.screenrec.server;

import static cz.zoom.screenrec.server.ReplayClient.error;
import static cz.zoom.screenrec.server.ReplayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a browser on another site, or a request dressed up as another method, can make the real port
 * do: method override headers are ignored, cross-site and non-JSON posts to the replay API are
 * refused (login included), and the UI's pages send a browser without a session to the login page
 * on the server side. Each refusal next to the good path.
 */
class HttpHardeningTest {
  static final String ADMIN_PASSWORD = "admin-secret-1";
  static final String LOGIN = "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}";
  static final String[] OVERRIDES = {
    "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"
  };

  @TempDir static Path dataDir;
  static ServerFixture fx;
  static ReplayClient admin;
  static ReplayClient reviewer;

  @BeforeAll
  static void serverWithAnAdminAndAReviewer() throws Exception {
    fx = new ServerFixture(dataDir, ServerConfig.builder().adminPassword(ADMIN_PASSWORD));
    admin = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    assertThat(
            admin
                .post(
                    "/replay/api/users",
                    "{\"username\":\"rita\",\"password\":\"rita-password\",\"role\":\"REVIEWER\"}")
                .statusCode())
        .isEqualTo(201);
    reviewer = new ReplayClient(fx).loggedIn("rita", "rita-password");
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  // ---- method override ----

  @Test
  void aPostClaimingToBeAPutIsNotRoutedAsPut() throws Exception {
    for (String header : OVERRIDES) {
      // PUT /replay/api/users/{name} exists, POST does not: the claim must not reach the PUT route
      HttpResponse<String> r =
          admin.send(
              csrf(admin.request("/replay/api/users/rita"), admin)
                  .header("Content-Type", "application/json")
                  .header(header, "PUT")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"ADMIN\"}")));
      assertThat(r.statusCode()).as(header).isIn(404, 405);
      HttpResponse<String> api =
          fx.send(
              fx.api("/api/v1/agents/alice/capture")
                  .header("Content-Type", "application/json")
                  .header(header, "PUT")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"fps\":1}")));
      assertThat(api.statusCode()).as(header).isIn(404, 405);
    }
    assertThat(json(reviewer.get("/replay/api/session")).path("role").asText())
        .isEqualTo("REVIEWER");
  }

  @Test
  void aGetClaimingToBeAPostChangesNothing() throws Exception {
    for (String header : OVERRIDES) {
      // an <img src> can send a GET; it must never become the POST that starts a call
      HttpResponse<String> r =
          fx.send(fx.api("/api/v1/calls/override-call/start").header(header, "POST").GET());
      assertThat(r.statusCode()).as(header).isIn(404, 405);
      HttpResponse<String> export =
          reviewer.send(
              reviewer.request("/replay/api/calls/call-1/export").header(header, "POST").GET());
      assertThat(export.statusCode()).as(header).isIn(404, 405);
    }
  }

  @Test
  void aPostClaimingToBeADeleteIsHandledAsThePostItIs() throws Exception {
    HttpResponse<String> r =
        admin.send(
            csrf(admin.request("/replay/api/users"), admin)
                .header("Content-Type", "application/json")
                .header("X-HTTP-Method-Override", "DELETE")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"otto\",\"password\":\"otto-password\",\"role\":\"REVIEWER\"}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(json(admin.get("/replay/api/users")).findValuesAsText("username")).contains("otto");
  }

  // ---- cross-site posts ----

  @Test
  void aCrossSiteTextPlainLoginIsRefused() throws Exception {
    ReplayClient stranger = new ReplayClient(fx);
    // what an HTML form or a no-cors fetch on another site can send without a CORS preflight
    for (String type :
        List.of(
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x")) {
      HttpResponse<String> r =
          stranger.send(
              stranger
                  .request("/replay/api/login")
                  .header("Content-Type", type)
                  .POST(HttpRequest.BodyPublishers.ofString(LOGIN)));
      assertThat(r.statusCode()).as(type).isEqualTo(415);
      assertThat(error(r)).isEqualTo("unsupported_media_type");
      assertThat(ReplayClient.sessionCookie(r)).isEmpty();
    }
    HttpResponse<String> none =
        stranger.send(
            stranger.request("/replay/api/login").POST(HttpRequest.BodyPublishers.ofString(LOGIN)));
    assertThat(none.statusCode()).isEqualTo(415);
  }

  @Test
  void aLoginBodyLargerThanAnyLoginIsRefusedUnread() throws Exception {
    ReplayClient stranger = new ReplayClient(fx);
    String big = "{\"username\":\"admin\",\"password\":\"" + "p".repeat(9_000) + "\"}";
    HttpResponse<String> r =
        stranger.send(
            stranger
                .request("/replay/api/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(big)));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(error(r)).isEqualTo("too_large");
  }

  @Test
  void aLoginFromAnotherSitesPageIsRefused() throws Exception {
    for (String origin :
        List.of(
            "http://evil.example",
            "null",
            "http://127.0.0.1:1",
            fx.base + ".evil.example",
            // the same host and port in the other scheme is another origin
            "http://" + URI.create(fx.base).getAuthority())) {
      HttpResponse<String> r = login(origin, null);
      assertThat(r.statusCode()).as(origin).isEqualTo(403);
      assertThat(error(r)).isEqualTo("cross_origin");
      assertThat(ReplayClient.sessionCookie(r)).isEmpty();
    }
    HttpResponse<String> fetchMetadata = login(null, "cross-site");
    assertThat(fetchMetadata.statusCode()).isEqualTo(403);
    assertThat(error(fetchMetadata)).isEqualTo("cross_origin");
  }

  @Test
  void aLoginFromTheServersOwnPageOrAProgramSucceeds() throws Exception {
    assertThat(login(fx.base, "same-origin").statusCode()).isEqualTo(200);
    // the --public-url origin (here the default, https://127.0.0.1:<port>) spelt as browsers send
    // it
    assertThat(login(fx.base.toUpperCase(Locale.ROOT), null).statusCode()).isEqualTo(200);
    assertThat(login(null, null).statusCode()).isEqualTo(200);
    assertThat(login(null, "same-origin").statusCode()).isEqualTo(200);
  }

  @Test
  void aSessionsStateChangingCallFromAnotherSiteIsRefused() throws Exception {
    String body = "{\"username\":\"mallory\",\"password\":\"mallory-password\",\"role\":\"ADMIN\"}";
    HttpResponse<String> foreign =
        admin.send(
            csrf(admin.request("/replay/api/users"), admin)
                .header("Content-Type", "application/json")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(error(foreign)).isEqualTo("cross_origin");
    HttpResponse<String> plain =
        admin.send(
            csrf(admin.request("/replay/api/users"), admin)
                .header("Content-Type", "text/plain")
                .header("Origin", fx.base)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(json(admin.get("/replay/api/users")).findValuesAsText("username"))
        .doesNotContain("mallory");
    HttpResponse<String> own =
        admin.send(
            csrf(admin.request("/replay/api/users"), admin)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Origin", fx.base)
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("mallory", "mona"))));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
  }

  // ---- logs ----

  @Test
  void aUserNameWithLineBreaksIsLoggedOnOneLine() throws Exception {
    Logger audit = (Logger) LoggerFactory.getLogger("cz.zoom.screenrec.audit");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    audit.addAppender(lines);
    try {
      String forged = "x\r\n2026-01-01 12:00:00 INFO audit LOGIN user=admin";
      HttpResponse<String> r = new ReplayClient(fx).login(forged, "wrong-password");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(
              m -> assertThat(m).startsWith("audit LOGIN_FAILED").contains("user=x\\r\\n2026"))
          .allSatisfy(m -> assertThat(m).doesNotContain("\r", "\n"));
    } finally {
      audit.detachAppender(lines);
    }
  }

  // ---- pages ----

  @Test
  void pagesSendABrowserWithoutASessionToTheLoginPage() throws Exception {
    ReplayClient stranger = new ReplayClient(fx);
    assertRedirect(
        stranger.get("/replay/search"),
        "/replay/login?reason=not_logged_in&next=%2Freplay%2Fsearch");
    assertRedirect(
        stranger.get("/replay/search?agent=alice"),
        "/replay/login?reason=not_logged_in&next=%2Freplay%2Fsearch%3Fagent%3Dalice");
    assertRedirect(
        stranger.get("/replay/calls/call-1"),
        "/replay/login?reason=not_logged_in&next=%2Freplay%2Fcalls%2Fcall-1");
    assertRedirect(
        stranger.get("/replay/admin"), "/replay/login?reason=not_logged_in&next=%2Freplay%2Fadmin");
    stranger.cookie = "A".repeat(43);
    assertRedirect(
        stranger.get("/replay/search"),
        "/replay/login?reason=not_logged_in&next=%2Freplay%2Fsearch");
    stranger.cookie = null;
    // the entry points lead to the UI; the login page and the UI's files stay open
    assertRedirect(stranger.get("/"), "/replay/");
    assertRedirect(stranger.get("/replay/"), "/replay/search");
    assertRedirect(stranger.get("/replay"), "/replay/search");
    HttpResponse<String> login = stranger.get("/replay/login");
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("login-form");
    for (String asset :
        List.of(
            "/replay/assets/css/replay.css",
            "/replay/assets/js/login.js",
            "/replay/assets/img/logo.svg")) {
      assertThat(stranger.get(asset).statusCode()).as(asset).isEqualTo(200);
    }
  }

  @Test
  void pagesAreServedToTheirUsersAndTheAdminPageRefusesAReviewer() throws Exception {
    for (String page : List.of("/replay/search", "/replay/calls/call-1", "/replay/admin")) {
      HttpResponse<String> r = admin.get(page);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    }
    assertThat(reviewer.get("/replay/search").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = reviewer.get("/replay/admin");
    assertThat(refused.statusCode()).isEqualTo(403);
    // the page tells the reviewer why (its script shows the "admins only" notice)
    assertThat(refused.body()).contains("id=\"forbidden\"");
    String etag = admin.get("/replay/admin").headers().firstValue("ETag").orElseThrow();
    assertThat(
            reviewer
                .send(reviewer.request("/replay/admin").header("If-None-Match", etag).GET())
                .statusCode())
        .isEqualTo(403);
  }

  // ---- helpers ----

  static HttpResponse<String> login(String origin, String fetchSite) throws Exception {
    ReplayClient stranger = new ReplayClient(fx);
    HttpRequest.Builder b =
        stranger.request("/replay/api/login").header("Content-Type", "application/json");
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (fetchSite != null) {
      b.header("Sec-Fetch-Site", fetchSite);
    }
    return stranger.send(b.POST(HttpRequest.BodyPublishers.ofString(LOGIN)));
  }

  static HttpRequest.Builder csrf(HttpRequest.Builder b, ReplayClient who) {
    return b.header("X-CSRF-Token", who.csrf);
  }

  static void assertRedirect(HttpResponse<String> r, String location) {
    assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).as(r.uri().toString()).hasValue(location);
  }
}
