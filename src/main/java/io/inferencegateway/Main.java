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
 * {@code conf/gateway.json}), {@code GATEWAY_HTTP_PORT} overrides its port (0: any free port).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String DEFAULT_CONFIG = "conf/gateway.json";

  private Main() {
  }

  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = readConfig();
    } catch (ConfigException e) {
      System.err.println("inference-gateway: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = metrics.createVertx();
    Future<Gateway> started = Gateway.start(vertx, config, metrics)
        .onSuccess(gateway -> LOG.info("inference-gateway listening on {}:{} with {} models",
            config.http().host(), gateway.port(), config.models().size()))
        .onFailure(failure -> {
          System.err.println("inference-gateway: failed to start: " + failure.getMessage());
          vertx.close().onComplete(closed -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down");
      if (started.succeeded()) {
        started.result().stopAccepting().await();
      }
      vertx.close().await();
      LOG.info("Stopped");
    }, "gateway-shutdown"));
  }

  private static GatewayConfig readConfig() {
    String file = System.getenv().getOrDefault("GATEWAY_CONFIG", DEFAULT_CONFIG);
    GatewayConfig config = ConfigReader.read(Path.of(file));
    String port = System.getenv("GATEWAY_HTTP_PORT");
    if (port == null || port.isBlank()) {
      return config;
    }
    try {
      int value = Integer.parseInt(port.trim());
      if (value < 0 || value > 65535) {
        throw new NumberFormatException();
      }
      return config.withHttpPort(value);
    } catch (NumberFormatException e) {
      throw new ConfigException("GATEWAY_HTTP_PORT must be a port number from 0 to 65535, got \""
          + port + "\"");
    }
  }
}
