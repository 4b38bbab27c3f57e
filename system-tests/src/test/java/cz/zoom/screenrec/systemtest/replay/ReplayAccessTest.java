package cz.zoom.screenrec.systemtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ServerProcess;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * Who gets in and who is refused, in the browser: bad logins and the lock after five, a reviewer at
 * the admin page and API, a visitor without a session, CSRF, and an admin managing users.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplayAccessTest {
  static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
  static final String REVIEWER = "rita";
  static final String REVIEWER_PASSWORD = "reviewer-" + UUID.randomUUID();

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();
  @RegisterExtension static final Browsers browsers = new Browsers();

  static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server = processes.add(ServerProcess.builder().arg("--admin-password", ADMIN_PASSWORD).start());
    ReplaySession.login(server.httpUri(), "admin", ADMIN_PASSWORD)
        .createUser(REVIEWER, "REVIEWER", REVIEWER_PASSWORD);
  }

  @Test
  void badLoginsAreRefusedAndTheSixthTryFindsTheAccountLocked() {
    ReplaySession admin = ReplaySession.login(server.httpUri(), "admin", ADMIN_PASSWORD);
    String bobPassword = "bob-" + UUID.randomUUID();
    admin.createUser("bob", "REVIEWER", bobPassword);
    Browser b = browsers.start(server.httpUri());
    b.open("/replay/login");
    ReplayUi.submitLogin(b, "bob", "wrong password");
    assertThat(b.visible("#login-error").getText()).isEqualTo("Wrong user name or password.");
    assertThat(b.find("#login-error").getAttribute("data-code")).isEqualTo("bad_credentials");
    assertThat(b.path()).isEqualTo("/replay/login");
    b.saveScreenshot("replay-login-refused");
    // an unknown user gets the same answer: the page does not tell which user names exist
    ReplayUi.submitLogin(b, "nobody-" + UUID.randomUUID().toString().substring(0, 8), "whatever");
    b.until(
        "refusal of an unknown user",
        d -> "bad_credentials".equals(b.find("#login-error").getAttribute("data-code")));
    for (int i = 2; i <= 5; i++) {
      assertThat(ReplaySession.tryLogin(server.httpUri(), "bob", "wrong " + i).status())
          .isIn(401, 429);
    }
    // locked: even the right password is refused for now
    ReplayUi.submitLogin(b, "bob", bobPassword);
    b.until(
        "the lock shown", d -> "locked".equals(b.find("#login-error").getAttribute("data-code")));
    assertThat(b.find("#login-error").getText()).contains("locked");
    assertThat(b.path()).isEqualTo("/replay/login");
    assertThat(b.cookie(ReplaySession.COOKIE)).isNull();
  }

  @Test
  void aReviewerIsRefusedTheAdminPagesAndApi() {
    Browser b = browsers.start(server.httpUri());
    ReplayUi.login(b, REVIEWER, REVIEWER_PASSWORD);
    b.awaitPageReady("/replay/search");
    assertThat(b.findAll(".nav a")).extracting(WebElement::getText).containsExactly("Calls");
    assertThat(b.find("#current-user").getText()).isEqualTo(REVIEWER);
    b.open("/replay/admin");
    b.awaitPageReady("/replay/admin");
    assertThat(b.visible("#forbidden").getText()).contains("Admins only");
    assertThat(b.find("#admin").isDisplayed()).isFalse();
    b.saveScreenshot("replay-admin-refused");
    // the API refuses too, whatever the page shows
    List<Object> statuses =
        b.js(
            "return Promise.all(['/replay/api/users', '/replay/api/audit', '/replay/api/audit.csv']"
                + ".map(u => fetch(u).then(r => r.status)))");
    assertThat(statuses).containsOnly(403L);
    ReplaySession rita =
        ReplaySession.ofCookie(server.httpUri(), b.cookie(ReplaySession.COOKIE).getValue());
    ReplaySession.Answer create =
        rita.post(
            "/replay/api/users",
            "{\"username\":\"mallory\",\"role\":\"ADMIN\",\"password\":\"x-"
                + UUID.randomUUID()
                + "\"}");
    assertThat(create.status()).as(create.toString()).isEqualTo(403);
    assertThat(create.json().path("error").asText()).isEqualTo("forbidden");
  }

  @Test
  void withoutASessionPagesLeadToTheLoginAndBackAfterSigningIn() {
    Browser b = browsers.start(server.httpUri());
    b.open("/replay/search?agent=alice");
    b.until("sent to the login page", d -> b.path().equals("/replay/login"));
    b.visible("#login-form");
    assertThat(b.js("return fetch('/replay/api/calls').then(r => r.status)").toString())
        .isEqualTo("401");
    assertThat(
            ReplaySession.send(server.httpUri(), "GET", "/replay/api/session", null, Map.of())
                .status())
        .isEqualTo(401);
    ReplayUi.submitLogin(b, REVIEWER, REVIEWER_PASSWORD);
    b.awaitPageReady("/replay/search");
    assertThat(b.query()).isEqualTo("agent=alice");
    assertThat(b.find("#agent").getAttribute("value")).isEqualTo("alice");
    // the cookie is out of the scripts' reach and never sent cross-site
    assertThat(b.cookie(ReplaySession.COOKIE).isHttpOnly()).isTrue();
    assertThat(b.cookie(ReplaySession.COOKIE).getSameSite()).isEqualTo("Strict");
    assertThat((String) b.js("return document.cookie")).doesNotContain(ReplaySession.COOKIE);
    // signing out ends the session on the server as well
    b.click("#logout");
    b.until(
        "signed out",
        d -> b.path().equals("/replay/login") && b.query().contains("reason=logged_out"));
    assertThat(b.visible("#login-message").getText()).isEqualTo("You have signed out.");
    b.open("/replay/search");
    b.until("sent to the login page again", d -> b.path().equals("/replay/login"));
  }

  @Test
  void stateChangingCallsWithoutTheCsrfTokenAreRefused() {
    ReplaySession admin = ReplaySession.login(server.httpUri(), "admin", ADMIN_PASSWORD);
    ReplaySession.Answer a =
        admin.postWithoutCsrf(
            "/replay/api/users",
            "{\"username\":\"eve\",\"role\":\"ADMIN\",\"password\":\"e-"
                + UUID.randomUUID()
                + "\"}");
    assertThat(a.status()).as(a.toString()).isEqualTo(403);
    assertThat(a.json().path("error").asText()).isEqualTo("csrf");
    assertThat(admin.get("/replay/api/users").json().findValuesAsText("username"))
        .doesNotContain("eve");
  }

  @Test
  void anAdminAddsAReviewerWhoCanThenSignInAndDisablesHim() {
    Browser b = browsers.start(server.httpUri());
    ReplayUi.login(b, "admin", ADMIN_PASSWORD);
    b.awaitPageReady("/replay/search");
    assertThat(b.findAll(".nav a"))
        .extracting(WebElement::getText)
        .containsExactly("Calls", "Admin");
    b.click(".nav a[href='/replay/admin']");
    b.awaitPageReady("/replay/admin");
    String name = "carl";
    String password = "carl-" + UUID.randomUUID();
    b.type("#new-username", name);
    b.type("#new-password", password);
    b.click("#create-user");
    b.until(
        "carl listed", d -> !b.findAll("#users tbody tr[data-username='" + name + "']").isEmpty());
    assertThat(b.find("#new-user-msg").getText()).contains("added");
    b.saveScreenshot("replay-admin-users");
    assertThat(ReplaySession.tryLogin(server.httpUri(), name, password).status()).isEqualTo(200);

    b.find("#users tbody tr[data-username='" + name + "'] button.danger").click();
    b.until(
        "carl disabled",
        d ->
            b.find("#users tbody tr[data-username='" + name + "'] .badge")
                .getText()
                .equals("disabled"));
    assertThat(ReplaySession.tryLogin(server.httpUri(), name, password).status()).isEqualTo(401);
  }
}
