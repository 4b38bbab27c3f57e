package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.HttpApi;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code GET /metrics} in the Prometheus text format. */
public final class MetricsRoutes implements HttpApi.Routes {
  private final PrometheusMeterRegistry registry;

  public MetricsRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()),
        Access.OPEN);
  }
}
