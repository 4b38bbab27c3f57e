package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.server.health.HealthCheck;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.HttpApi;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /healthz}: 200 when every check passes, else 503; the body says which failed. */
public final class HealthRoutes implements HttpApi.Routes {
  private final List<HealthCheck> checks;

  public HealthRoutes(List<HealthCheck> checks) {
    this.checks = List.copyOf(checks);
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/healthz",
        ctx -> {
          Map<String, Object> results = new LinkedHashMap<>();
          boolean healthy = true;
          for (HealthCheck check : checks) {
            HealthCheck.Result r = check.check();
            healthy &= r.healthy();
            results.put(
                check.name(), Map.of("status", r.healthy() ? "UP" : "DOWN", "detail", r.detail()));
          }
          ctx.status(healthy ? 200 : 503)
              .json(Map.of("status", healthy ? "UP" : "DOWN", "checks", results));
        },
        Access.OPEN);
  }
}
