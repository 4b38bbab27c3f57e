package cz.zoom.screenrec.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.PerAddressLimit;
import cz.zoom.screenrec.server.replay.auth.AuthService;
import cz.zoom.screenrec.server.replay.auth.Session;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /replay/api/login, POST /replay/api/logout, GET /replay/api/session. */
public final class SessionRoutes implements HttpApi.Routes {
  /** A user name and a password of the longest allowed, as JSON, fit many times over. */
  static final int LOGIN_MAX_BYTES = 8 * 1024;

  private final AuthService auth;
  private final ReplayAuth guard;

  /** Logins read a body before anyone is known, so one address may not hold many at once. */
  private final PerAddressLimit logins;

  public SessionRoutes(AuthService auth, ReplayAuth guard, int loginsPerAddress) {
    this.auth = auth;
    this.guard = guard;
    this.logins = new PerAddressLimit(loginsPerAddress);
  }

  @Override
  public void accept(RoutesConfig app) {
    app.post("/replay/api/login", this::login, Access.OPEN);
    app.post("/replay/api/logout", this::logout, Access.REVIEWER);
    app.get(
        "/replay/api/session",
        ctx -> ctx.json(view(ReplayAuth.session(ctx), true)),
        Access.REVIEWER);
  }

  private void login(Context ctx) {
    // a login is state-changing too: no other site's page may sign a browser in (login CSRF)
    guard.sameOrigin(ctx);
    String address = ctx.req().getRemoteAddr();
    if (!logins.tryAcquire(address)) {
      ctx.header("Retry-After", "5");
      throw new ApiException(
          429, "too_many_logins", "too many logins in progress from " + address + "; retry later");
    }
    try {
      login(ctx, Bodies.object(ctx, LOGIN_MAX_BYTES), address);
    } finally {
      logins.release(address);
    }
  }

  private void login(Context ctx, JsonNode body, String address) {
    String username = Bodies.text(body, "username");
    String password = Bodies.text(body, "password");
    AuthService.LoggedIn in =
        auth.login(username, password == null ? null : password.toCharArray(), address);
    ctx.header("Set-Cookie", guard.sessionCookie(in.sessionId()));
    ctx.header("Cache-Control", "no-store");
    ctx.json(view(in.session(), false));
  }

  private void logout(Context ctx) {
    auth.logout(ReplayAuth.session(ctx));
    ctx.header("Set-Cookie", guard.clearedCookie());
    ctx.status(204);
  }

  private static Map<String, Object> view(Session s, boolean withExpiry) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", s.username());
    m.put("role", s.role().name());
    m.put("csrfToken", s.csrfToken());
    if (withExpiry) {
      m.put("expiresAt", s.expiresAt());
    }
    return m;
  }
}
