package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.api.http.ApiException;
import cz.zoom.screenrec.server.api.http.HttpApi;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The replay UI's files, from the classpath folder {@code replay/}, at /replay/. A path without an
 * extension is a page: {@code /replay/} is index.html, {@code /replay/call} is call.html. Pages
 * other than the login page redirect to /replay/login without a valid session; scripts and
 * styles hold no data and are served to anyone. Registered after every /replay API route.
 */
public final class StaticPages implements HttpApi.Routes {
  private static final String ROOT = "replay/";
  private static final String LOGIN_PAGE = "login.html";
  private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  private final ReplayAuth guard;

  public StaticPages(ReplayAuth guard) {
    this.guard = guard;
  }

  @Override
  public void accept(Javalin app) {
    // also matches /replay and /replay/, with an empty path
    app.get("/replay/<path>", ctx -> {
      String path = ctx.pathParam("path");
      if (path.isEmpty()) {
        root(ctx);
      } else {
        serve(ctx, path);
      }
    });
  }

  private void root(Context ctx) throws IOException {
    // "/replay" and "/replay/" reach the same route; relative links need the slash
    if (!ctx.path().endsWith("/")) {
      ctx.redirect("/replay/");
      return;
    }
    if (StaticPages.class.getClassLoader().getResource(ROOT + "index.html") == null) {
      ctx.redirect("/replay/search");
      return;
    }
    serve(ctx, "");
  }

  private void serve(Context ctx, String path) throws IOException {
    if (path.isEmpty()) {
      path = "index.html";
    }
    if (!SAFE_PATH.matcher(path).matches() || path.contains("..") || path.startsWith("api/")
        || path.startsWith("media/")) {
      throw ApiException.notFound("no such page: " + ctx.path());
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (!name.contains(".")) {
      path = path + ".html";
    }
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = TYPES.get(ext);
    InputStream in = type == null ? null : StaticPages.class.getClassLoader().getResourceAsStream(ROOT + path);
    if (in == null) {
      throw ApiException.notFound("no such page: " + ctx.path());
    }
    try (in) {
      if (ext.equals("html")) {
        if (!path.equals(LOGIN_PAGE) && !guard.loggedIn(ctx)) {
          ctx.redirect("/replay/login");
          return;
        }
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", "frame-ancestors 'none'");
        ctx.header("Referrer-Policy", "no-referrer");
      }
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.header("Cache-Control", "no-cache");
      ctx.contentType(type);
      ctx.result(in.readAllBytes());
    }
  }
}
