package cz.zoom.screenrec.server.replay.ui;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.HttpApi;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The replay UI's static files (classpath {@code replay/}): four HTML pages at fixed paths and
 * their scripts, styles and images under {@code /replay/assets/}. Nothing is listed and only names
 * made of plain path segments with a known extension are looked up, so no request reaches anything
 * outside {@code replay/}. The JSON API under /replay/api and the media under /replay/media belong
 * to other routes.
 */
public final class ReplayPages implements HttpApi.Routes {
  static final String ROOT = "replay/";

  /** Lower-case segments that never start with a dot: no "..", no hidden files, no backslashes. */
  private static final Pattern ASSET =
      Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9]+)*(/[a-z0-9][a-z0-9_-]*(\\.[a-z0-9]+)*)*");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json");

  /** Pages by path, and who may open them; the call page reads its call id from its own URL. */
  private static final Map<String, Page> PAGES =
      Map.of(
          "/replay/login", new Page("login.html", Access.OPEN),
          "/replay/search", new Page("search.html", Access.REVIEWER_PAGE),
          "/replay/calls/{callId}", new Page("call.html", Access.REVIEWER_PAGE),
          "/replay/admin", new Page("admin.html", Access.ADMIN_PAGE));

  /**
   * Same-origin only: the pages load nothing from elsewhere and may not be framed. Media may be
   * blob: (export preview) and images data: (inline icons).
   */
  private static final String CSP =
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
          + "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors 'none'";

  private final ClassLoader loader = ReplayPages.class.getClassLoader();
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  /**
   * Pages other than the login page need a session (the session guard sends a browser without one
   * to the login page, and answers a reviewer's request for the admin page 403 with the page, which
   * then says it is for admins only); their scripts check again, e.g. when a session expires while
   * a page is open.
   */
  @Override
  public void accept(RoutesConfig app) {
    app.get("/", ctx -> ctx.redirect("/replay/", HttpStatus.SEE_OTHER), Access.OPEN);
    // trailing slashes are ignored by Javalin, so this also answers /replay/
    app.get("/replay", ctx -> ctx.redirect("/replay/search", HttpStatus.SEE_OTHER), Access.OPEN);
    PAGES.forEach((path, page) -> app.get(path, ctx -> send(ctx, page.file()), page.access()));
    app.get(
        "/replay/assets/<path>",
        ctx -> {
          String path = ctx.pathParam("path");
          if (!ASSET.matcher(path).matches() || path.length() > 200) {
            notFound(ctx);
            return;
          }
          send(ctx, "assets/" + path);
        },
        Access.OPEN);
  }

  private void send(Context ctx, String name) {
    Optional<Asset> asset = Optional.ofNullable(cache.get(name)).or(() -> load(name));
    // only files that exist are kept, so requests for made-up names cannot grow the cache
    asset.ifPresent(a -> cache.putIfAbsent(name, a));
    if (asset.isEmpty()) {
      notFound(ctx);
      return;
    }
    Asset a = asset.get();
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    if (a.type().startsWith("text/html")) {
      ctx.header("Content-Security-Policy", CSP);
      ctx.header("X-Frame-Options", "DENY");
    }
    if (ctx.statusCode() != 200) {
      // a refusal (a reviewer at the admin page) has no ETag, so it never becomes "not modified"
      ctx.header("Cache-Control", "no-store");
    } else {
      // the files change with each release; revalidating is one cheap 304 per file (Javalin
      // answers 304 when If-None-Match equals this ETag)
      ctx.header("Cache-Control", "no-cache");
      ctx.header("ETag", a.etag());
    }
    ctx.contentType(a.type()).result(a.bytes());
  }

  private static void notFound(Context ctx) {
    ctx.status(404).json(Map.of("error", "not_found", "message", "no such file: " + ctx.path()));
  }

  private Optional<Asset> load(String name) {
    int dot = name.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      String etag =
          "\""
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12)
              + "\"";
      return Optional.of(new Asset(bytes, type, etag));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ROOT + name + " from the classpath", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Page(String file, Access access) {}

  private record Asset(byte[] bytes, String type, String etag) {}
}
