package cz.zoom.screenrec.server;

import static cz.zoom.screenrec.server.ReplayClient.error;
import static cz.zoom.screenrec.server.ReplayClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins, sessions, CSRF, roles, user administration and the audit log of the replay API, over real
 * sockets.
 */
class ReplayAuthTest {
  static final String ADMIN_PASSWORD = "admin-secret-1";

  /** Loopback, but not the address the server's other clients come from. */
  static final String OTHER_ADDRESS = "127.0.0.2";

  @TempDir Path dataDir;
  final List<ServerFixture> fixtures = new ArrayList<>();

  /** The server's settings; the PostgreSQL subclass points them at its database. */
  ServerConfig.Builder config() throws Exception {
    return ServerConfig.builder()
        .heartbeatIntervalMs(500)
        .deadPeerTimeoutMs(5_000)
        .helloTimeoutMs(1_000)
        .adminPassword(ADMIN_PASSWORD);
  }

  ServerFixture start(ServerConfig.Builder b) throws Exception {
    ServerFixture fx = new ServerFixture(dataDir, b);
    fixtures.add(fx);
    return fx;
  }

  @AfterEach
  void stop() {
    fixtures.forEach(ServerFixture::close);
  }

  @Test
  void loginSessionAndLogout() throws Exception {
    ServerFixture fx = start(config());
    ReplayClient browser = new ReplayClient(fx);
    HttpResponse<String> none = browser.get("/replay/api/session");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(error(none)).isEqualTo("not_logged_in");

    HttpResponse<String> wrong = browser.login("admin", "not-the-password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(error(wrong)).isEqualTo("bad_credentials");
    assertThat(ReplayClient.sessionCookie(wrong)).isEmpty();
    HttpResponse<String> unknown = browser.login("nobody", ADMIN_PASSWORD);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(error(unknown)).as("same answer as a wrong password").isEqualTo("bad_credentials");

    HttpResponse<String> ok = browser.login("admin", ADMIN_PASSWORD);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("username").asText()).isEqualTo("admin");
    assertThat(json(ok).get("role").asText()).isEqualTo("ADMIN");
    String setCookie = ok.headers().allValues("Set-Cookie").get(0);
    // Secure: the port speaks HTTPS, so the browser never sends the cookie in clear
    assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/", "Secure");
    assertThat(browser.cookie).hasSize(43);

    HttpResponse<String> session = browser.get("/replay/api/session");
    assertThat(session.statusCode()).isEqualTo(200);
    assertThat(json(session).get("csrfToken").asText()).isEqualTo(browser.csrf);
    assertThat(json(session).get("expiresAt").asLong())
        .isBetween(
            System.currentTimeMillis() + 29 * 60_000L, System.currentTimeMillis() + 31 * 60_000L);

    HttpResponse<String> noCsrf =
        browser.send(
            browser.request("/replay/api/logout").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(error(noCsrf)).isEqualTo("csrf");
    assertThat(browser.get("/replay/api/session").statusCode())
        .as("still logged in")
        .isEqualTo(200);

    HttpResponse<String> out = browser.post("/replay/api/logout", "");
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().allValues("Set-Cookie").get(0)).contains("Max-Age=0");
    HttpResponse<String> after = browser.get("/replay/api/session");
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(error(after)).isEqualTo("not_logged_in");

    List<String> actions = new ArrayList<>();
    new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD).get("/replay/api/audit?limit=100");
    JsonNode audit =
        json(new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD).get("/replay/api/audit"));
    audit.forEach(e -> actions.add(e.get("action").asText() + ":" + e.path("username").asText()));
    assertThat(actions)
        .contains("LOGIN_FAILED:admin", "LOGIN_FAILED:nobody", "LOGIN:admin", "LOGOUT:admin");
  }

  @Test
  void sessionsExpireAfterTheIdleTimeAndActivityExtendsThem() throws Exception {
    ServerFixture fx = start(config().sessionIdleMs(2_000));
    ReplayClient browser = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    long loggedIn = System.currentTimeMillis();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> System.currentTimeMillis() >= loggedIn + 1_000);
    assertThat(browser.get("/replay/api/session").statusCode()).isEqualTo(200);
    long active = System.currentTimeMillis();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> System.currentTimeMillis() >= loggedIn + 2_300);
    assertThat(browser.get("/replay/api/session").statusCode())
        .as("the request at 1 s extended the session")
        .isEqualTo(200);
    long lastActive = System.currentTimeMillis();
    assertThat(lastActive - active).as("the test itself was not stalled").isLessThan(1_900);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> System.currentTimeMillis() >= lastActive + 2_100);
    for (String path : List.of("/replay/api/session", "/replay/api/calls", "/replay/api/session")) {
      HttpResponse<String> expired = browser.get(path);
      assertThat(expired.statusCode()).as(path).isEqualTo(401);
      assertThat(error(expired)).as(path).isEqualTo("session_expired");
    }
    assertThat(
            new ReplayClient(fx)
                .loggedIn("admin", ADMIN_PASSWORD)
                .get("/replay/api/session")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void fiveFailuresLockTheUserNameAtThatAddressForAWhile() throws Exception {
    ServerFixture fx = start(config().loginLockMs(3_000));
    ReplayClient browser = new ReplayClient(fx);
    // the lock is on the user name at that address, whichever browser there tries it; unknown
    // names are locked the same way
    for (String user : List.of("ghost", "admin")) {
      for (int i = 0; i < 5; i++) {
        assertThat(browser.login(user, "wrong-" + i).statusCode())
            .as(user + " attempt " + i)
            .isEqualTo(401);
      }
      HttpResponse<String> locked = browser.login(user, ADMIN_PASSWORD);
      assertThat(locked.statusCode())
          .as(user + ": even the right password is refused while locked")
          .isEqualTo(429);
      assertThat(error(locked)).isEqualTo("locked");
      assertThat(new ReplayClient(fx).login(user, "x").statusCode())
          .as("another browser")
          .isEqualTo(429);
    }
    // a guesser elsewhere does not lock the administrator out at the administrator's own desk
    assertThat(loginFrom(fx, OTHER_ADDRESS, "admin", ADMIN_PASSWORD)).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> browser.login("admin", ADMIN_PASSWORD).statusCode() == 200);
    assertThat(browser.get("/replay/api/session").statusCode()).isEqualTo(200);
  }

  @Test
  void manyFailuresForAnyNamesLockTheAddress() throws Exception {
    ServerFixture fx = start(config().loginLockMs(60_000));
    ReplayClient guesser = new ReplayClient(fx);
    for (int i = 0; i < 20; i++) {
      assertThat(guesser.login("user-" + i, "wrong").statusCode()).as("name " + i).isEqualTo(401);
    }
    HttpResponse<String> locked = guesser.login("admin", ADMIN_PASSWORD);
    assertThat(locked.statusCode())
        .as("a name never tried, from the guessing address")
        .isEqualTo(429);
    assertThat(error(locked)).isEqualTo("locked");
    assertThat(loginFrom(fx, OTHER_ADDRESS, "admin", ADMIN_PASSWORD)).isEqualTo(200);
  }

  /**
   * A login from another loopback address than the test's usual one: the JDK's HTTP client cannot
   * choose its source address, so the request is written by hand. Returns the status code.
   */
  static int loginFrom(ServerFixture fx, String localAddress, String user, String password)
      throws IOException {
    URI base = URI.create(fx.base);
    String body = Json.MAPPER.writeValueAsString(Map.of("username", user, "password", password));
    try (Socket socket = fx.httpSocket(localAddress)) {
      socket.setSoTimeout(10_000);
      String request =
          "POST /replay/api/login HTTP/1.1\r\nHost: "
              + base.getAuthority()
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.getBytes(StandardCharsets.UTF_8).length
              + "\r\nConnection: close\r\n\r\n"
              + body;
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  @Test
  void unauthenticatedRequestsGet401() throws Exception {
    ServerFixture fx = start(config());
    ReplayClient anonymous = new ReplayClient(fx);
    for (String path :
        List.of(
            "/replay/api/calls",
            "/replay/api/calls/call-1",
            "/replay/api/users",
            "/replay/api/audit.csv",
            "/replay/api/exports/x",
            "/replay/media/default/recordings/x/video",
            "/replay/media/default/calls/call-1/audio")) {
      HttpResponse<String> r = anonymous.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(error(r)).as(path).isEqualTo("not_logged_in");
    }
    HttpResponse<String> post = anonymous.post("/replay/api/calls/call-1/export", "{}");
    assertThat(post.statusCode()).isEqualTo(401);
    // a forged cookie is no session
    anonymous.cookie = "A".repeat(43);
    assertThat(anonymous.get("/replay/api/session").statusCode()).isEqualTo(401);
    anonymous.cookie = null;

    assertThat(anonymous.get("/replay/../api/v1/agents").statusCode()).isIn(400, 401, 404);

    ReplayClient browser = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    // the bearer-token API is not opened by a session cookie
    assertThat(browser.get("/api/v1/agents").statusCode()).isEqualTo(401);
  }

  @Test
  void reviewersCannotReachAdminEndpoints() throws Exception {
    ServerFixture fx = start(config());
    ReplayClient admin = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    assertThat(
            admin
                .post(
                    "/replay/api/users",
                    "{\"username\":\"rita\",\"password\":\"rita-password\",\"role\":\"REVIEWER\"}")
                .statusCode())
        .isEqualTo(201);
    ReplayClient rita = new ReplayClient(fx).loggedIn("rita", "rita-password");
    assertThat(json(rita.get("/replay/api/session")).get("role").asText()).isEqualTo("REVIEWER");
    for (String path : List.of("/replay/api/users", "/replay/api/audit", "/replay/api/audit.csv")) {
      HttpResponse<String> r = rita.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(error(r)).as(path).isEqualTo("forbidden");
    }
    HttpResponse<String> promote = rita.put("/replay/api/users/rita", "{\"role\":\"ADMIN\"}");
    assertThat(promote.statusCode()).isEqualTo(403);
    assertThat(error(promote)).isEqualTo("forbidden");
    HttpResponse<String> create =
        rita.post(
            "/replay/api/users",
            "{\"username\":\"eve\",\"password\":\"eve-password\",\"role\":\"ADMIN\"}");
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(rita.get("/replay/api/calls").statusCode()).isEqualTo(200);
  }

  @Test
  void stateChangingRequestsNeedTheSessionsCsrfToken() throws Exception {
    ServerFixture fx = start(config());
    ReplayClient admin = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    ReplayClient other = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    String body = "{\"username\":\"bob\",\"password\":\"bob-password\"}";
    String own = admin.csrf;
    for (String token : new String[] {null, "", "x", other.csrf}) {
      admin.csrf = token;
      HttpResponse<String> r = admin.post("/replay/api/users", body);
      assertThat(r.statusCode()).as("token %s", token).isEqualTo(403);
      assertThat(error(r)).isEqualTo("csrf");
    }
    admin.csrf = own;
    assertThat(json(admin.get("/replay/api/users")).findValuesAsText("username"))
        .containsExactly("admin");
    assertThat(admin.post("/replay/api/users", body).statusCode()).isEqualTo(201);
  }

  @Test
  void adminsManageUsers() throws Exception {
    ServerFixture fx = start(config());
    ReplayClient admin = new ReplayClient(fx).loggedIn("admin", ADMIN_PASSWORD);
    HttpResponse<String> created =
        admin.post(
            "/replay/api/users",
            "{\"username\":\"bob\",\"password\":\"bob-password\",\"role\":\"REVIEWER\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(json(created).get("role").asText()).isEqualTo("REVIEWER");
    assertThat(json(created).get("disabled").asBoolean()).isFalse();
    assertThat(created.body()).doesNotContain("pbkdf2", "password");
    HttpResponse<String> dup =
        admin.post("/replay/api/users", "{\"username\":\"bob\",\"password\":\"other-pass\"}");
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(error(dup)).isEqualTo("user_exists");
    assertThat(
            admin
                .post("/replay/api/users", "{\"username\":\"../x\",\"password\":\"long-enough\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin
                .post("/replay/api/users", "{\"username\":\"carl\",\"password\":\"short\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin
                .post(
                    "/replay/api/users",
                    "{\"username\":\"carl\",\"password\":\"long-enough\",\"role\":\"KING\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(admin.put("/replay/api/users/nobody", "{\"role\":\"ADMIN\"}").statusCode())
        .isEqualTo(404);
    JsonNode users = json(admin.get("/replay/api/users"));
    assertThat(users.findValuesAsText("username")).containsExactly("admin", "bob");

    ReplayClient bob = new ReplayClient(fx).loggedIn("bob", "bob-password");
    assertThat(admin.put("/replay/api/users/bob", "{\"role\":\"ADMIN\"}").statusCode())
        .isEqualTo(200);
    assertThat(bob.get("/replay/api/users").statusCode())
        .as("the new role counts at once")
        .isEqualTo(200);

    HttpResponse<String> pw =
        admin.put("/replay/api/users/bob", "{\"password\":\"bob-new-password\"}");
    assertThat(pw.statusCode()).isEqualTo(200);
    assertThat(bob.get("/replay/api/session").statusCode())
        .as("a new password ends old sessions")
        .isEqualTo(401);
    assertThat(new ReplayClient(fx).login("bob", "bob-password").statusCode()).isEqualTo(401);
    bob = new ReplayClient(fx).loggedIn("bob", "bob-new-password");

    assertThat(admin.put("/replay/api/users/bob", "{\"disabled\":true}").statusCode())
        .isEqualTo(200);
    assertThat(bob.get("/replay/api/session").statusCode())
        .as("disabled users lose their sessions")
        .isEqualTo(401);
    assertThat(new ReplayClient(fx).login("bob", "bob-new-password").statusCode()).isEqualTo(401);

    HttpResponse<String> last = admin.put("/replay/api/users/admin", "{\"role\":\"REVIEWER\"}");
    assertThat(last.statusCode()).as("bob is disabled, so admin is the last admin").isEqualTo(409);
    assertThat(error(last)).isEqualTo("last_admin");
    assertThat(admin.put("/replay/api/users/bob", "{\"disabled\":false}").statusCode())
        .isEqualTo(200);
    assertThat(new ReplayClient(fx).login("bob", "bob-new-password").statusCode()).isEqualTo(200);

    HttpResponse<String> own =
        admin.put("/replay/api/users/admin", "{\"password\":\"admin-secret-2\"}");
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(admin.get("/replay/api/session").statusCode())
        .as("changing one's own password keeps this session")
        .isEqualTo(200);

    List<String> details = new ArrayList<>();
    json(admin.get("/replay/api/audit"))
        .forEach(
            e ->
                details.add(
                    e.get("action").asText()
                        + " "
                        + e.path("username").asText()
                        + " "
                        + e.path("detail").asText()));
    assertThat(details)
        .contains(
            "USER_CREATED admin user=bob role=REVIEWER",
            "USER_CHANGED admin user=bob role=ADMIN",
            "USER_CHANGED admin user=bob password changed",
            "USER_CHANGED admin user=bob disabled",
            "USER_CHANGED admin user=bob enabled");
  }

  @Test
  void auditCsvIsQuotedAndDefusesFormulas() throws Exception {
    ServerFixture fx = start(config());
    ReplayClient browser = new ReplayClient(fx);
    String evil = "=HYPERLINK(\"http://x\",\"a,b\")";
    assertThat(browser.login(evil, "whatever-pass").statusCode()).isEqualTo(401);
    assertThat(browser.login("@SUM(1)", "whatever-pass").statusCode()).isEqualTo(401);
    long before = System.currentTimeMillis() - 60_000;
    browser.loggedIn("admin", ADMIN_PASSWORD);

    HttpResponse<String> csv = browser.get("/replay/api/audit.csv?from=" + before);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
    List<List<String>> rows = parseCsv(csv.body());
    assertThat(rows.get(0))
        .containsExactly("id", "at", "atMs", "username", "action", "callId", "detail");
    assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(7));
    assertThat(rows)
        .anySatisfy(
            r -> {
              assertThat(r.get(3)).isEqualTo("'" + evil);
              assertThat(r.get(4)).isEqualTo("LOGIN_FAILED");
            });
    assertThat(rows).anySatisfy(r -> assertThat(r.get(3)).isEqualTo("'@SUM(1)"));
    assertThat(rows).anySatisfy(r -> assertThat(r.subList(3, 5)).containsExactly("admin", "LOGIN"));
    assertThat(csv.body()).contains("\r\n");
    assertThat(parseCsv(browser.get("/replay/api/audit.csv?to=" + before).body())).hasSize(1);
  }

  @Test
  void theFirstAdminPasswordIsGeneratedIntoTheDataDirectory() throws Exception {
    ServerFixture fx = start(config().adminPassword(null));
    Path file = dataDir.resolve("admin-password");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String password = Files.readString(file).strip();
    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    assertThat(new ReplayClient(fx).login("admin", password).statusCode()).isEqualTo(200);
    fx.close();
    fixtures.clear();
    // a restart keeps the admin and does not make a new password
    ServerFixture again = start(config().adminPassword(null));
    assertThat(Files.readString(file).strip()).isEqualTo(password);
    assertThat(new ReplayClient(again).login("admin", password).statusCode()).isEqualTo(200);
  }

  /** RFC 4180 reader, strict enough to catch quoting mistakes. */
  static List<List<String>> parseCsv(String text) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    StringReader in = new StringReader(text);
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int c = in.read(); c != -1; c = in.read()) {
      any = true;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int n = in.read();
          if (n == '"') {
            cell.append('"');
          } else {
            quoted = false;
            in.reset();
          }
        } else {
          cell.append((char) c);
        }
      } else if (c == '"') {
        if (cell.length() != 0) {
          throw new AssertionError("quote inside an unquoted cell: " + cell);
        }
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r') {
        if (in.read() != '\n') {
          throw new AssertionError("CR without LF");
        }
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        any = false;
      } else {
        cell.append((char) c);
      }
    }
    if (any) {
      throw new AssertionError("last row not terminated by CRLF");
    }
    return rows;
  }
}
