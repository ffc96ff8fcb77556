package io.inferencegateway.management;

import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.health.Draining;
import io.inferencegateway.health.ModelHealthChecks;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.repository.ModelRepository;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Optional;

/**
 * The management port: health and metrics. It runs on a Vert.x instance of its own whose single
 * event loop parses no inference request, beside the models' status verticles that answer its
 * probes, so a flooded data port cannot make a probe late.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final GatewayConfig config;
  private final int port;
  private final ModelRegistry models;
  private final PrometheusMeterRegistry registry;
  private final Draining draining;
  private final Optional<RepositoryRoutes> repository;
  private final Vertx bus;
  private HttpServer server;

  /**
   * {@code port} is where to listen: the configured one, or 0 for a free port. The repository
   * API is served when {@code repository} is given, behind {@code token}. Health probes travel
   * on {@code bus}'s event bus, which reaches the models' status verticles.
   */
  public ManagementVerticle(GatewayConfig config, int port, ModelRegistry models,
      PrometheusMeterRegistry registry, Draining draining, ModelRepository repository,
      String token, Vertx bus) {
    this.config = config;
    this.port = port;
    this.models = models;
    this.registry = registry;
    this.draining = draining;
    this.bus = bus;
    this.repository = Optional.ofNullable(repository)
        .map(served -> new RepositoryRoutes(served, token));
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.management().host())
            .setPort(port))
        .requestHandler(router())
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /** The port actually bound, which differs from the configured one when that was 0. */
  public int actualPort() {
    return server.actualPort();
  }

  private Router router() {
    Router router = Router.router(vertx);
    ModelHealthChecks health =
        ModelHealthChecks.create(vertx, bus, models, config.health().timeoutMs(),
            config.cluster().role().servesHttp() && config.cluster().role().clustered());
    router.get("/health").handler(this::unlessDraining).handler(health.readinessHandler());
    router.get("/health/ready").handler(this::unlessDraining).handler(health.readinessHandler());
    router.get("/health/live").handler(health.livenessHandler());
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    repository.ifPresent(routes -> routes.mount(router));
    router.errorHandler(404, ctx -> error(ctx, 404, "no route for " + ctx.request().method()
        + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method " + ctx.request().method()
        + " is not allowed on " + ctx.request().path()));
    return router;
  }

  /** Readiness is DOWN from the moment the gateway begins to stop, whatever the models say. */
  private void unlessDraining(RoutingContext ctx) {
    if (!draining.started()) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("status", "DOWN").put("outcome", "DOWN")
            .put("data", new JsonObject().put("state", "DRAINING")).toBuffer());
  }

  private static void error(RoutingContext ctx, int status, String message) {
    RepositoryRoutes.error(ctx, status, message);
  }
}
