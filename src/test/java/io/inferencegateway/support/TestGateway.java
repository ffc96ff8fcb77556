package io.inferencegateway.support;

import io.inferencegateway.Gateway;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A real gateway for a test: deployed on the test's Vert.x instance, listening on a free port,
 * with a web client pointed at it.
 */
public final class TestGateway {

  /** The shipped configuration with the demo models. */
  public static final Path DEMO_CONFIG = Path.of("conf/gateway.json");

  private final Gateway gateway;
  private final WebClient client;
  private final GatewayMetrics metrics;

  private TestGateway(Gateway gateway, WebClient client, GatewayMetrics metrics) {
    this.gateway = gateway;
    this.client = client;
    this.metrics = metrics;
  }

  /** Starts the demo configuration on a free port. */
  public static Future<TestGateway> startDemo(Vertx vertx) {
    return start(vertx, ConfigReader.read(DEMO_CONFIG));
  }

  /** Starts the demo configuration, changed by {@code edit}, on a free port. */
  public static Future<TestGateway> startDemo(Vertx vertx, Consumer<JsonObject> edit) {
    JsonObject json = demoJson();
    edit.accept(json);
    return start(vertx, ConfigReader.parse(json, DEMO_CONFIG.toAbsolutePath().getParent()));
  }

  public static Future<TestGateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, new GatewayMetrics());
  }

  /** Starts on a Vert.x instance that reports into {@code metrics}, or on any other. */
  public static Future<TestGateway> start(Vertx vertx, GatewayConfig config,
      GatewayMetrics metrics) {
    return Gateway.start(vertx, config.withHttpPort(0), metrics).map(gateway -> new TestGateway(
        gateway, WebClient.create(vertx, new WebClientOptions()
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(gateway.port())), metrics));
  }

  /** The shipped configuration as JSON, for tests that change part of it. */
  public static JsonObject demoJson() {
    try {
      return new JsonObject(Files.readString(DEMO_CONFIG));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WebClient client() {
    return client;
  }

  public int port() {
    return gateway.port();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }
}
