package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.replay.auth.AuthService;
import cz.zoom.screenrec.server.replay.auth.AuthService.SessionCheck;
import cz.zoom.screenrec.server.replay.auth.Role;
import cz.zoom.screenrec.server.replay.auth.Session;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The replay's session guard, run on the route a request matched (see {@link Access}): a valid
 * session cookie (else 401 not_logged_in or session_expired, or for a page a redirect to the login
 * page), the admin role where the route asks for it (else 403 forbidden), and on every
 * state-changing request the session's CSRF token in X-CSRF-Token (else 403 csrf) and no foreign
 * Origin (else 403 cross_origin).
 */
public final class ReplayAuth implements HttpApi.SessionGuard {
  public static final String COOKIE = "SR_SESSION";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  static final String LOGIN_PAGE = "/replay/login";
  private static final String ATTRIBUTE = "replay.session";

  private final AuthService auth;
  private final boolean secureCookie;
  private final String publicOrigin;

  public ReplayAuth(AuthService auth, URI publicUrl) {
    this.auth = auth;
    this.secureCookie = "https".equals(publicUrl.getScheme());
    this.publicOrigin = origin(publicUrl.getScheme(), publicUrl.getHost(), publicUrl.getPort());
  }

  @Override
  public void check(Context ctx, Access access) {
    boolean page = access == Access.REVIEWER_PAGE || access == Access.ADMIN_PAGE;
    SessionCheck check = auth.check(ctx.cookie(COOKIE));
    if (!(check instanceof SessionCheck.Valid valid)) {
      String reason = check instanceof SessionCheck.Expired ? "session_expired" : "not_logged_in";
      if (page) {
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(loginRedirect(ctx, reason), HttpStatus.SEE_OTHER);
        return;
      }
      throw check instanceof SessionCheck.Expired
          ? new ApiException(401, "session_expired", "the session timed out; log in again")
          : new ApiException(401, "not_logged_in", "log in at " + LOGIN_PAGE);
    }
    Session s = valid.session();
    ctx.attribute(ATTRIBUTE, s);
    // answers carry personal data; never cache them in shared caches
    ctx.header("Cache-Control", "private, no-store");
    if (stateChanging(ctx)) {
      sameOrigin(ctx);
      if (!AuthService.csrfMatches(s, ctx.header(CSRF_HEADER))) {
        throw new ApiException(
            403,
            "csrf",
            "send the session's CSRF token (from /replay/api/session) in " + CSRF_HEADER);
      }
    }
    if ((access == Access.ADMIN || access == Access.ADMIN_PAGE) && s.role() != Role.ADMIN) {
      if (page) {
        // the page itself tells a reviewer it is for admins only; its API refuses in any case
        ctx.status(HttpStatus.FORBIDDEN);
        return;
      }
      throw new ApiException(403, "forbidden", "only admins may do this");
    }
  }

  /**
   * Refuses a request a browser sent on behalf of another site: an Origin other than this server's
   * (its --public-url, or the Host the request was sent to), or Sec-Fetch-Site cross-site. Requests
   * without either header come from programs, not from a browser's page.
   */
  void sameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin != null) {
      String own = origin(ctx.scheme(), ctx.host());
      if (!origin.equalsIgnoreCase(publicOrigin) && !origin.equalsIgnoreCase(own)) {
        throw new ApiException(
            403, "cross_origin", "requests from another site's pages are refused");
      }
    } else if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
      throw new ApiException(403, "cross_origin", "requests from another site's pages are refused");
    }
  }

  private static boolean stateChanging(Context ctx) {
    HandlerType m = ctx.method();
    return !m.equals(HandlerType.GET)
        && !m.equals(HandlerType.HEAD)
        && !m.equals(HandlerType.OPTIONS);
  }

  private static String loginRedirect(Context ctx, String reason) {
    String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    return LOGIN_PAGE
        + "?reason="
        + reason
        + "&next="
        + URLEncoder.encode(here, StandardCharsets.UTF_8);
  }

  private static String origin(String scheme, String host, int port) {
    int dflt = "https".equals(scheme) ? 443 : 80;
    return scheme
        + "://"
        + host.toLowerCase(Locale.ROOT)
        + (port == -1 || port == dflt ? "" : ":" + port);
  }

  /** The origin a browser sends for a page it loaded from {@code scheme://hostHeader}. */
  private static String origin(String scheme, String hostHeader) {
    if (hostHeader == null) {
      return "";
    }
    try {
      URI u = URI.create(scheme + "://" + hostHeader);
      return u.getHost() == null ? "" : origin(scheme, u.getHost(), u.getPort());
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The request's session; the guard has already refused requests without one. */
  public static Session session(Context ctx) {
    Session s = ctx.attribute(ATTRIBUTE);
    if (s == null) {
      throw new ApiException(401, "not_logged_in", "log in at " + LOGIN_PAGE);
    }
    return s;
  }

  String sessionCookie(String id) {
    return COOKIE
        + "="
        + id
        + "; Path=/; HttpOnly; SameSite=Strict"
        + (secureCookie ? "; Secure" : "");
  }

  String clearedCookie() {
    return COOKIE
        + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
        + (secureCookie ? "; Secure" : "");
  }
}
