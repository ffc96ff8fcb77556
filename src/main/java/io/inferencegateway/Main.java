package io.inferencegateway;

import io.inferencegateway.cluster.ClusterNode;
import io.inferencegateway.config.ClusterRole;
import io.inferencegateway.config.ConfigException;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.model.OnnxModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: {@code GATEWAY_CONFIG} names the config file (default
 * {@code conf/gateway.json}), and {@code GATEWAY_*} variables override its keys. An invalid
 * configuration exits with status 2, a failure to start with 1.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String DEFAULT_CONFIG = "conf/gateway.json";
  /** The repository API's bearer token; never a configuration key, so never in a file. */
  private static final String ADMIN_TOKEN = "GATEWAY_ADMIN_TOKEN";
  private static final String NETTY_JFR = "io.netty.jfr.enabled";
  private static final String NETTY_ALLOCATOR = "io.netty.allocator.type";

  private Main() {
  }

  public static void main(String[] args) {
    // Netty registers flight-recorder events for its buffer allocator, which loads the recorder's
    // classes at every start; they serve only someone recording, who can switch them back on.
    defaultProperty(NETTY_JFR, "false");
    // Netty 4.2's default buffer allocator is its adaptive one; the pooled one cost about 4 % less
    // CPU per request in side-by-side runs (up to 12 % on larger bodies), for 2 MiB more resident
    // memory. Set before any buffer is made: Vert.x shares Netty's default allocator when pooled.
    defaultProperty(NETTY_ALLOCATOR, "pooled");
    Vertx control = Gateway.controlPlane();
    Path file = Path.of(System.getenv().getOrDefault("GATEWAY_CONFIG", DEFAULT_CONFIG));
    Future<GatewayConfig> reading = ConfigReader.read(control, file);
    // The meters need no configuration: made on this thread while the control plane's threads
    // read it, off the start's critical path.
    GatewayMetrics metrics = new GatewayMetrics();
    GatewayConfig config;
    try {
      // Awaited on this thread, so that the data plane's Vert.x is made outside any context.
      config = reading.await();
    } catch (Throwable failure) {
      exit(control, 2, "invalid configuration: " + (failure instanceof ConfigException
          ? failure.getMessage() : "cannot be read: " + failure));
      return;
    }
    start(control, config, file.toAbsolutePath().getParent(), metrics);
  }

  private static void start(Vertx control, GatewayConfig config, Path folder,
      GatewayMetrics metrics) {
    ClusterRole role = config.cluster().role();
    if (role.runsModels()) {
      // While the rest starts; a failure shows again, with its cause, as each model loads.
      control.executeBlocking(() -> {
        OnnxModel.loadRuntime();
        return null;
      });
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Future<ClusterNode> cluster = role.clustered()
        ? ClusterNode.join(config.cluster(), metrics) : Future.succeededFuture();
    Future<Vertx> data = cluster.map(node -> node == null ? metrics.createVertx() : node.vertx());
    Future<Gateway> started = data
        .recover(failure -> control.close().transform(closed -> Future.failedFuture(failure)))
        .compose(vertx -> Gateway.start(vertx, control, config, folder, metrics,
            System.getenv(ADMIN_TOKEN), cluster.result()))
        .onSuccess(gateway -> LOG.info("inference-gateway {}; management on {}:{}{}",
            serving(config, gateway), config.management().host(), gateway.managementPort(),
            cluster.result() == null ? "" : "; cluster node " + cluster.result().id() + " as "
                + role.label()))
        .onFailure(failure -> {
          // A start cut short by SIGTERM is not a failure; exiting from here would wait for the
          // shutdown hook, which waits for this thread's event loop.
          if (!stopping.get()) {
            exit(null, 1, "failed to start: " + failure.getMessage());
          }
        });
    // SIGTERM: drain, then stop; the JVM exits when the hook returns. One that comes while the
    // gateway is still starting closes what has started, leaving the cluster if it had joined.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      LOG.info("Shutting down");
      if (started.succeeded()) {
        started.result().stop().await();
      } else if (data.succeeded()) {
        Future.join(data.result().close(), control.close()).await();
      }
      LOG.info("Stopped");
    }, "gateway-shutdown"));
  }

  /** Sets a system property unless the command line has set it. */
  private static void defaultProperty(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }

  /** What the process serves, as its start line says it. */
  private static String serving(GatewayConfig config, Gateway gateway) {
    ClusterRole role = config.cluster().role();
    String models = config.models().size() + " models";
    if (!role.servesHttp()) {
      return "worker serving " + models;
    }
    return "listening on " + config.http().host() + ":" + gateway.port() + " with "
        + (role.runsModels() ? models : "the models its workers serve");
  }

  /** Exits once {@code vertx}, when still open, is closed. */
  private static void exit(Vertx vertx, int status, String message) {
    System.err.println("inference-gateway: " + message);
    (vertx == null ? Future.succeededFuture() : vertx.close())
        .onComplete(closed -> System.exit(status));
  }
}
