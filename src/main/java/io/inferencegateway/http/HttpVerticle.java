package io.inferencegateway.http;

import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.health.Draining;
import io.inferencegateway.health.ModelHealthChecks;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.NodeCalls;
import io.inferencegateway.model.QueueSlots;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's HTTP front: parses and validates requests, hands them to the models (directly in
 * this process, over the event bus to other nodes), and serialises their replies. Runs on an
 * event loop and never blocks.
 */
public final class HttpVerticle extends VerticleBase {

  private static final int COMPRESSION_THRESHOLD_BYTES = 1024;

  private final GatewayConfig config;
  private final int port;
  private final ModelRegistry registry;
  private final QueueSlots slots;
  private final GatewayMetrics metrics;
  private final Draining draining;
  private final AtomicInteger openConnections;
  private final String version;
  private final NodeCalls nodeCalls;
  private HttpServer server;
  private Connections connections;

  /**
   * {@code port} is where to listen: the configured one, or -1 for a free port shared by every
   * instance (0 would give each instance a port of its own). {@code nodeCalls} tracks the
   * requests sent to other nodes of a cluster; null when standalone.
   */
  public HttpVerticle(GatewayConfig config, int port, ModelRegistry registry, QueueSlots slots,
      GatewayMetrics metrics, Draining draining, AtomicInteger openConnections, String version,
      NodeCalls nodeCalls) {
    this.config = config;
    this.port = port;
    this.registry = registry;
    this.openConnections = openConnections;
    this.slots = slots;
    this.metrics = metrics;
    this.draining = draining;
    this.version = version;
    this.nodeCalls = nodeCalls;
  }

  @Override
  public Future<?> start() {
    connections = new Connections(vertx, config.http(), draining, openConnections);
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(port)
            // HTTP/1.1 only: without clear-text HTTP/2 the server sets a connection up when it
            // is accepted, not at its first bytes, so a connection that sends nothing is known.
            .setHttp2ClearTextEnabled(false)
            // Answers are compressed for clients that accept it, when large enough to gain;
            // the fastest level, since tensors of floats compress little at any level.
            .setCompressionSupported(true)
            .setCompressionLevel(1)
            .setCompressionContentSizeThreshold(COMPRESSION_THRESHOLD_BYTES)
            // No WebSocket routes: without WebSocket compression, no handler in every
            // connection's pipeline looks at each request and answer for an upgrade.
            .setPerFrameWebSocketCompressionSupported(false)
            .setPerMessageWebSocketCompressionSupported(false))
        .connectionHandler(connections::opened)
        .requestHandler(dataPort())
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /**
   * Stops accepting connections, closes those with no request in flight, and gives the requests
   * in flight up to the shutdown grace period to finish; their answers say
   * {@code Connection: close}, since the gateway is draining by then.
   */
  @Override
  public Future<?> stop() {
    // First: a connection the server has begun to shut down ignores a later close.
    connections.closeIdle();
    return server.shutdown(config.shutdown().graceMs(), TimeUnit.MILLISECONDS);
  }

  /** The port actually bound, which differs from the configured one when that was 0. */
  public int actualPort() {
    return server.actualPort();
  }

  private DataPort dataPort() {
    DataPort port = new DataPort(connections, new AccessLog(config.http().accessLog(),
        metrics.http()));
    ModelCaller caller = new ModelCaller(vertx, context, metrics, config.inference(), nodeCalls,
        connections);
    ModelHealthChecks health =
        ModelHealthChecks.create(vertx, vertx, registry, config.health().timeoutMs(),
            config.cluster().role().clustered());
    OipRoutes oip = new OipRoutes(registry, caller, health, draining, serverMetadata());
    Admission admission = new Admission(registry, slots, caller,
        new ContentDecoding(config.http().maxBodyBytes()), config.http().maxBodyBytes(), oip,
        new PredictRoutes(caller));

    Router router = Router.router(vertx);
    // A route without a path: it sees every request the router serves.
    router.route().handler(port::routed);
    oip.mount(router);
    router.errorHandler(400, ctx -> ErrorReplies.send(ctx, 400,
        DataPort.lacksHost(ctx.request()) ? DataPort.NO_HOST : "bad request"));
    router.errorHandler(404, ctx -> ErrorReplies.send(ctx, 404, "no route for "
        + ctx.request().method() + " " + ctx.request().path()));
    // Every route the router serves is read with GET; inference routes take POST.
    router.errorHandler(405, ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "GET");
      ErrorReplies.send(ctx, 405, "method " + ctx.request().method() + " is not allowed on "
          + ctx.request().path());
    });
    router.errorHandler(500, ErrorReplies::unforeseen);
    port.serve(admission, router);
    return port;
  }

  private JsonObject serverMetadata() {
    JsonArray extensions = new JsonArray().add("binary_tensor_data").add("classification");
    if (config.management().repositoryApi()) {
      // Served on the management port.
      extensions.add("model_repository");
    }
    return new JsonObject()
        .put("name", "inference-gateway")
        .put("version", version)
        .put("extensions", extensions);
  }
}
