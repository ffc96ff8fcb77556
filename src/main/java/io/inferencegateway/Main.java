package io.inferencegateway;

import io.inferencegateway.config.ConfigException;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
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

  private Main() {
  }

  public static void main(String[] args) {
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = metrics.createVertx();
    Vertx control = Gateway.controlPlane();
    Path file = Path.of(System.getenv().getOrDefault("GATEWAY_CONFIG", DEFAULT_CONFIG));
    ConfigReader.read(vertx, file)
        .onSuccess(config -> start(vertx, control, config, file.toAbsolutePath().getParent(),
            metrics))
        .onFailure(failure -> control.close().onComplete(closed -> exit(vertx, 2,
            "invalid configuration: " + (failure instanceof ConfigException
                ? failure.getMessage() : "cannot be read: " + failure))));
  }

  private static void start(Vertx vertx, Vertx control, GatewayConfig config, Path folder,
      GatewayMetrics metrics) {
    Future<Gateway> started = Gateway.start(vertx, control, config, folder, metrics,
            System.getenv(ADMIN_TOKEN))
        .onSuccess(gateway -> LOG.info("inference-gateway listening on {}:{} with {} models; "
            + "management on {}:{}", config.http().host(), gateway.port(),
            config.models().size(), config.management().host(), gateway.managementPort()))
        .onFailure(failure -> exit(vertx, 1, "failed to start: " + failure.getMessage()));
    // SIGTERM: drain, then stop; the JVM exits when the hook returns.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down");
      if (started.succeeded()) {
        started.result().stop().await();
      } else {
        vertx.close().await();
      }
      LOG.info("Stopped");
    }, "gateway-shutdown"));
  }

  private static void exit(Vertx vertx, int status, String message) {
    System.err.println("inference-gateway: " + message);
    vertx.close().onComplete(closed -> System.exit(status));
  }
}
