package cz.zoom.screenrec.server.api.http;

import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.storage.StorageException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port: REST API under /api/v1 (API token), Media Upload Server under /mus/v1 (upload
 * tokens), /healthz and /metrics (open). Each feature adds its routes through a {@link Routes}.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  /** A feature's routes. */
  @FunctionalInterface
  public interface Routes extends Consumer<RoutesConfig> {}

  private final Javalin app;

  public HttpApi(String apiToken, Iterable<Routes> features) {
    byte[] expected = ("Bearer " + apiToken).getBytes(StandardCharsets.UTF_8);
    app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.startupWatcherEnabled = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      // upload bodies are streamed, so this bounds only JSON bodies read whole
      cfg.http.maxRequestSize = 1024 * 1024;
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      // Jetty's per-connection header cache ignores case by default, so after one good request a
      // token differing only in case would match the cached Authorization header
      cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
      RoutesConfig routes = cfg.routes;
      routes.before("/api/*", ctx -> {
        if (ctx.method() == HandlerType.OPTIONS) {
          return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected)) {
          throw new ApiException(401, "unauthorized", "send Authorization: Bearer <api token>");
        }
      });
      routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
      routes.exception(StorageException.class, (e, ctx) -> {
        log.error("{} {} failed on the database", ctx.method(), ctx.path(), e);
        error(ctx, 503, "storage_unavailable", "the metadata database failed; retry later");
      });
      routes.exception(Exception.class, (e, ctx) -> {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal", "internal error");
      });
      routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty()) {
          error(ctx, 404, "not_found", "no such resource: " + ctx.method() + " " + ctx.path());
        }
      });
      routes.error(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
      features.forEach(f -> f.accept(routes));
    });
  }

  public HttpApi start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  static void error(Context ctx, int status, String code, String message) {
    ctx.status(status).json(Map.of("error", code, "message", message == null ? code : message));
  }

  /** A recording id from the path, refused unless it is a canonical UUID (no path tricks). */
  public static String recordingId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!Limits.RECORDING_ID.matcher(id).matches()) {
      throw ApiException.badRequest("recording id must be a lower-case UUID");
    }
    return id;
  }

  /** A call id or agent name: letters, digits and . _ @ : - only. */
  public static String name(String what, String value) {
    if (value == null || !Limits.NAME.matcher(value).matches()) {
      throw ApiException.badRequest(what + " must be 1-128 characters of letters, digits and . _ @ : -");
    }
    return value;
  }
}
