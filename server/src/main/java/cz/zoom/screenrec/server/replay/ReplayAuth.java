package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.api.http.ApiException;
import cz.zoom.screenrec.server.api.http.HttpApi;
import cz.zoom.screenrec.server.auth.AuthService;
import cz.zoom.screenrec.server.auth.AuthService.SessionCheck;
import cz.zoom.screenrec.server.auth.Role;
import cz.zoom.screenrec.server.auth.Session;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Guards /replay/api/* and /replay/media/*: a valid session cookie (else 401 not_logged_in or
 * session_expired), the session's CSRF token in X-CSRF-Token on every state-changing request
 * (else 403 csrf), and the admin role for user and audit administration (else 403 forbidden).
 */
public final class ReplayAuth implements HttpApi.Routes {
  public static final String COOKIE = "SR_SESSION";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String ATTRIBUTE = "replay.session";

  private final AuthService auth;
  private final boolean secureCookie;

  public ReplayAuth(AuthService auth, boolean secureCookie) {
    this.auth = auth;
    this.secureCookie = secureCookie;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.before("/replay/api/*", ctx -> {
      if (ctx.method() == HandlerType.OPTIONS || ctx.path().equals("/replay/api/login")) {
        return;
      }
      Session s = require(ctx);
      HandlerType m = ctx.method();
      if ((m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.DELETE || m == HandlerType.PATCH)
          && !AuthService.csrfMatches(s, ctx.header(CSRF_HEADER))) {
        throw new ApiException(403, "csrf", "send the session's CSRF token (from /replay/api/session) in "
            + CSRF_HEADER);
      }
      if (isAdminPath(ctx.path()) && s.role() != Role.ADMIN) {
        throw new ApiException(403, "forbidden", "only admins may do this");
      }
    });
    app.before("/replay/media/*", ReplayAuth.this::require);
  }

  private Session require(Context ctx) {
    SessionCheck check = auth.check(ctx.cookie(COOKIE));
    if (check instanceof SessionCheck.Valid v) {
      ctx.attribute(ATTRIBUTE, v.session());
      // answers carry personal data; never cache them in shared caches
      ctx.header("Cache-Control", "private, no-store");
      return v.session();
    }
    if (check instanceof SessionCheck.Expired) {
      throw new ApiException(401, "session_expired", "the session timed out; log in again");
    }
    throw new ApiException(401, "not_logged_in", "log in at /replay/login");
  }

  /** The request's session; the filter has already refused requests without one. */
  public static Session session(Context ctx) {
    Session s = ctx.attribute(ATTRIBUTE);
    if (s == null) {
      throw new ApiException(401, "not_logged_in", "log in at /replay/login");
    }
    return s;
  }

  static boolean isAdminPath(String path) {
    return path.equals("/replay/api/users") || path.startsWith("/replay/api/users/")
        || path.equals("/replay/api/audit") || path.equals("/replay/api/audit.csv");
  }

  String sessionCookie(String id) {
    return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "");
  }

  String clearedCookie() {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "");
  }

}
