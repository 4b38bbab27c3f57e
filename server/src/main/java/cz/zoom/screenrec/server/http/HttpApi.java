package cz.zoom.screenrec.server.http;

import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.core.LogText;
import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.storage.StorageException;
import cz.zoom.screenrec.trust.Tls;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port: REST API under /api/v1 (API token), Media Upload Server under /mus/v1 (upload
 * tokens), the replay UI and its API under /replay (session cookie), /healthz and /metrics (open).
 * HTTPS with the given context, or in clear without one (--plaintext). Each feature adds its routes
 * through a {@link Routes}; every route names its {@link Access}, which is checked on the route the
 * request matched.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final long MAX_SKIPPED_UPLOAD_BYTES = 4L * 1024 * 1024;

  /** A feature's routes. */
  @FunctionalInterface
  public interface Routes extends Consumer<RoutesConfig> {}

  /** Checks the replay session of requests to routes that need one. */
  @FunctionalInterface
  public interface SessionGuard {
    /**
     * Returns when the request may go on; otherwise throws an {@link ApiException} or answers
     * itself (a redirect, which skips the route).
     */
    void check(Context ctx, Access access);

    /** For a port without replay users: every route that needs a session is refused. */
    SessionGuard NONE =
        (ctx, access) -> {
          throw new ApiException(401, "not_logged_in", "this port has no replay sessions");
        };
  }

  /**
   * A route of the port and who may call it (null: the route names no single access, and is
   * refused).
   */
  public record Route(String method, String path, Access access) {}

  private final Javalin app;
  private final List<Route> routes = new ArrayList<>();

  public HttpApi(
      String apiToken,
      HttpLimits limits,
      SessionGuard sessions,
      SSLContext tls,
      Iterable<Routes> features) {
    byte[] expected = ("Bearer " + apiToken).getBytes(StandardCharsets.UTF_8);
    app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.startupWatcherEnabled = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
              // upload bodies are streamed, so this bounds only JSON bodies read whole
              cfg.http.maxRequestSize = 1024 * 1024;
              QueuedThreadPool threads =
                  new QueuedThreadPool(limits.threads(), Math.min(8, limits.threads()), 60_000);
              threads.setName("http");
              cfg.jetty.threadPool = threads;
              cfg.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector connector;
                    if (tls == null) {
                      connector = new ServerConnector(server, new HttpConnectionFactory(http));
                    } else {
                      SslContextFactory.Server ssl = new SslContextFactory.Server();
                      ssl.setSslContext(tls);
                      ssl.setIncludeProtocols(Tls.PROTOCOLS.toArray(String[]::new));
                      ssl.setIncludeCipherSuites(Tls.CIPHER_SUITES.toArray(String[]::new));
                      // clients reach the server by address as well as by name, and the
                      // certificate covers both: no SNI needed, none checked against Host
                      http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
                      connector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                              new HttpConnectionFactory(http));
                    }
                    // Javalin's start(host, port) has set these by the time the server builds its
                    // connectors
                    connector.setHost(cfg.jetty.host);
                    connector.setPort(cfg.jetty.port);
                    connector.setIdleTimeout(limits.idleTimeout().toMillis());
                    return connector;
                  });
              cfg.jetty.modifyServer(
                  server -> {
                    server.setErrorHandler(new JsonErrorHandler());
                    // each insert goes right below the server, so the last one sees a request first
                    server.insertHandler(new MinimumDataRateHandler(limits.minBodyRate(), 0));
                    server.insertHandler(
                        area("/api/*", limits.apiRequests(), limits.idleTimeout()));
                    // desktops enrolling: open to anyone, so bounded apart from the call events
                    server.insertHandler(
                        area("/enroll/*", limits.apiRequests(), limits.idleTimeout()));
                    server.insertHandler(
                        area("/mus/*", limits.uploadRequests(), limits.idleTimeout()));
                    server.insertHandler(
                        area("/replay/*", limits.replayRequests(), limits.idleTimeout()));
                    server.insertHandler(new MethodOverrideFilter());
                  });
              cfg.jetty.modifyHttpConfiguration(
                  http -> {
                    // Jetty's per-connection header cache ignores case by default, so after one
                    // good request a
                    // token differing only in case would match the cached Authorization header
                    http.setHeaderCacheCaseSensitive(true);
                    // Javalin picks LEGACY, which lets through //, %2F, %2e%2e and ..; in paths.
                    // Strict
                    // RFC 3986 answers them 400 before any route runs, so no variant of a path can
                    // reach a
                    // route other than the one its plain spelling names
                    http.setUriCompliance(UriCompliance.DEFAULT);
                  });
              RoutesConfig routes = cfg.routes;
              routes.beforeMatched(
                  ctx -> {
                    Access access = access(ctx);
                    if (access == Access.API_TOKEN) {
                      String header = ctx.header("Authorization");
                      if (header == null
                          || !MessageDigest.isEqual(
                              header.getBytes(StandardCharsets.UTF_8), expected)) {
                        throw new ApiException(
                            401, "unauthorized", "send Authorization: Bearer <api token>");
                      }
                    } else if (access.needsSession()) {
                      sessions.check(ctx, access);
                    }
                  });
              routes.exception(
                  ApiException.class,
                  (e, ctx) -> {
                    skipSomeOfAnUpload(ctx);
                    error(ctx, e.status(), e.code(), e.getMessage());
                  });
              routes.exception(
                  Refusal.class,
                  (e, ctx) -> {
                    skipSomeOfAnUpload(ctx);
                    error(ctx, Refusals.status(e), e.code(), e.getMessage());
                  });
              // Javalin's own refusals (a JSON body over the size limit) get the same body as ours;
              // no
              // route and no method are answered by the error handlers below
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> {
                    if (e.getStatus() == 404 || e.getStatus() == 405) {
                      ctx.status(e.getStatus());
                    } else {
                      error(
                          ctx,
                          e.getStatus(),
                          JsonErrorHandler.errorCode(e.getStatus()),
                          e.getMessage());
                    }
                  });
              routes.exception(
                  StorageException.class,
                  (e, ctx) -> {
                    log.error(
                        "{} {} failed on the database", ctx.method(), LogText.of(ctx.path()), e);
                    error(
                        ctx,
                        503,
                        "storage_unavailable",
                        "the metadata database failed; retry later");
                  });
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), LogText.of(ctx.path()), e);
                    error(ctx, 500, "internal", "internal error");
                  });
              routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null || ctx.result().isEmpty()) {
                      error(
                          ctx,
                          404,
                          "not_found",
                          "no such resource: " + ctx.method() + " " + ctx.path());
                    }
                  });
              routes.error(
                  405,
                  ctx ->
                      error(
                          ctx,
                          405,
                          "method_not_allowed",
                          ctx.method() + " is not allowed on " + ctx.path()));
              features.forEach(f -> f.accept(routes));
              headLikeGet(cfg.unsafe.internalRouter, routes);
              for (ParsedEndpoint p : cfg.unsafe.internalRouter.allHttpHandlers()) {
                Endpoint e = p.endpoint;
                if (e.method.isHttpMethod()) {
                  Roles roles = e.metadata(Roles.class);
                  Set<RouteRole> set = roles == null ? Set.of() : roles.getRoles();
                  this.routes.add(
                      new Route(
                          e.method.name(),
                          e.path,
                          set.size() == 1 && set.iterator().next() instanceof Access a ? a : null));
                }
              }
            });
  }

  /** Every route of the port, HEAD included, in the order they were added. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /**
   * A bound of requests in progress under one path; up to 1024 more (Jetty's default) wait, without
   * a thread, for at most {@code maxWait}, and the rest are answered 503 at once. Jetty matches the
   * decoded path, and the strict URI compliance leaves no other spelling of it.
   */
  private static QoSHandler area(String pathSpec, int maxRequests, Duration maxWait) {
    QoSHandler area = new QoSHandler();
    area.includePath(pathSpec);
    area.setMaxRequestCount(maxRequests);
    area.setMaxSuspend(maxWait);
    return area;
  }

  /** The one {@link Access} of the matched route; a route that names none or several is refused. */
  private static Access access(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.size() == 1 && roles.iterator().next() instanceof Access a) {
      return a;
    }
    log.error(
        "route of {} {} names access {}, not exactly one; refused",
        ctx.method(),
        LogText.of(ctx.path()),
        roles);
    throw new ApiException(403, "forbidden", "this route is not open to anyone");
  }

  /**
   * A HEAD request gets the route of its GET, with the same access (Javalin would otherwise answer
   * HEAD with an empty 200 without the route's roles ever being known); Jetty sends no body.
   */
  private static void headLikeGet(InternalRouter router, RoutesConfig routes) {
    List<Endpoint> gets =
        router.allHttpHandlers().stream()
            .map(p -> p.endpoint)
            .filter(e -> e.method.equals(HandlerType.GET))
            .toList();
    Set<String> heads =
        router.allHttpHandlers().stream()
            .map(p -> p.endpoint)
            .filter(e -> e.method.equals(HandlerType.HEAD))
            .map(e -> e.path)
            .collect(Collectors.toSet());
    for (Endpoint get : gets) {
      if (!heads.contains(get.path)) {
        Roles roles = get.metadata(Roles.class);
        routes.addHttpHandler(
            HandlerType.HEAD,
            get.path,
            get.handler,
            roles == null ? new RouteRole[0] : roles.getRoles().toArray(RouteRole[]::new));
      }
    }
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

  /**
   * An upload (a PUT of a segment or of a call's audio) still sending its body when it is refused
   * (401, 404, 409, 413: most are decided from the headers) would see the connection reset, and the
   * answer with it lost, if the server closed with the rest unread; reading a bounded remainder
   * first lets it hear why. A body slower than the port's minimum rate is cut off there as
   * everywhere; other methods' bodies are small and read whole.
   */
  private static void skipSomeOfAnUpload(Context ctx) {
    if (!"PUT".equals(ctx.method().name())) {
      return;
    }
    try {
      long left = MAX_SKIPPED_UPLOAD_BYTES;
      byte[] sink = new byte[16 * 1024];
      int n;
      while (left > 0
          && (n = ctx.req().getInputStream().read(sink, 0, (int) Math.min(sink.length, left)))
              > 0) {
        left -= n;
      }
    } catch (IOException | RuntimeException unreadable) {
      // the connection is closed after the answer anyway
    }
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

  /** A call id or agent name: letters, digits and . _ @ : - only, not only dots. */
  public static String name(String what, String value) {
    if (value == null || !Limits.NAME.matcher(value).matches()) {
      throw ApiException.badRequest(
          what + " must be 1-128 characters of letters, digits and . _ @ : -, not only dots");
    }
    return value;
  }
}
