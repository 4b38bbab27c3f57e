package cz.zoom.screenrec.systemtest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ServerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session left idle longer than --session-idle-minutes ends: the next action in the page leads to
 * the login page saying the session expired, and signing in again returns to the page.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplaySessionExpiryTest {
  /** The shortest idle timeout the server's flag can express. */
  static final Duration IDLE = Duration.ofMinutes(1);

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();
  @RegisterExtension static final Browsers browsers = new Browsers();

  @Test
  void anIdleSessionExpiresAndThePageSaysSo() {
    String password = "admin-" + UUID.randomUUID();
    ServerProcess server =
        processes.add(
            ServerProcess.builder()
                .arg("--admin-password", password)
                .arg("--session-idle-minutes", String.valueOf(IDLE.toMinutes()))
                .start());
    Browser b = browsers.start(server.httpUri());
    ReplayUi.login(b, "admin", password);
    b.awaitPageReady("/replay/search");
    String cookie = b.cookie(ReplaySession.COOKIE).getValue();

    // the reviewer walks away: nothing touches the session for longer than the idle timeout
    Instant back = Instant.now().plus(IDLE).plusSeconds(2);
    await("the reviewer away until " + back)
        .atMost(IDLE.plusSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !Instant.now().isBefore(back));

    b.type("#agent", "alice");
    b.click("#search-submit");
    b.until("sent to the login page", d -> b.path().equals("/replay/login"));
    assertThat(b.query()).contains("reason=session_expired");
    assertThat(b.visible("#login-message").getText())
        .isEqualTo("Your session has expired. Please sign in again.");
    b.saveScreenshot("replay-session-expired");
    ReplaySession.Answer old =
        ReplaySession.send(
            server.httpUri(),
            "GET",
            "/replay/api/session",
            null,
            java.util.Map.of("Cookie", ReplaySession.COOKIE + "=" + cookie));
    assertThat(old.status()).isEqualTo(401);

    ReplayUi.submitLogin(b, "admin", password);
    b.awaitPageReady("/replay/search");
  }
}
