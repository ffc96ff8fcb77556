package io.inferencegateway.support;

import io.inferencegateway.Gateway;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real gateway for a test class: its own Vert.x instance reporting into its own metrics
 * registry, the gateway listening on a free port, and a web client pointed at it. Register it on
 * a static field with {@code @RegisterExtension}; it starts before the first test and stops after
 * the last.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

  /** The shipped configuration with the demo models. */
  public static final Path DEMO_CONFIG = Path.of("conf/gateway.json");

  private static final long START_SECONDS = 60;
  private static final int CONNECTIONS = 32;

  private final Function<Path, JsonObject> config;
  private final boolean demo;
  private String adminToken;
  private String owner;
  private Path dir;
  private Vertx vertx;
  private GatewayMetrics metrics;
  private Gateway gateway;
  private WebClient client;
  private WebClient management;

  private GatewayExtension(Function<Path, JsonObject> config, boolean demo) {
    this.config = config;
    this.demo = demo;
  }

  /** The shipped configuration. */
  public static GatewayExtension demo() {
    return demo((json, dir) -> { });
  }

  /** The shipped configuration, changed by {@code edit}. */
  public static GatewayExtension demo(Consumer<JsonObject> edit) {
    return demo((json, dir) -> edit.accept(json));
  }

  /**
   * The shipped configuration, changed by {@code edit}, which may write model files into the
   * folder it is given (a fresh one per test class) and name them by absolute path.
   */
  public static GatewayExtension demo(BiConsumer<JsonObject, Path> edit) {
    return new GatewayExtension(dir -> {
      JsonObject json = demoJson();
      edit.accept(json, dir);
      return json;
    }, true);
  }

  /** A configuration of its own; relative model paths are resolved against the given folder. */
  public static GatewayExtension of(Function<Path, JsonObject> config) {
    return new GatewayExtension(config, false);
  }

  /** The repository API's token, as GATEWAY_ADMIN_TOKEN would give it. */
  public GatewayExtension withAdminToken(String token) {
    this.adminToken = token;
    return this;
  }

  /** The shipped configuration as JSON, for tests that change part of it. */
  public static JsonObject demoJson() {
    try {
      return new JsonObject(Files.readString(DEMO_CONFIG));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (owner != null) {
      return; // a nested class inherits the extension of its enclosing class
    }
    owner = context.getUniqueId();
    dir = Files.createTempDirectory("gateway-test");
    JsonObject json = config.apply(dir);
    json.put("http", json.getJsonObject("http", new JsonObject()).copy().put("port", 0));
    json.put("management",
        json.getJsonObject("management", new JsonObject()).copy().put("port", 0));
    Path folder = demo ? DEMO_CONFIG.toAbsolutePath().getParent() : dir;
    metrics = new GatewayMetrics();
    vertx = metrics.createVertx();
    gateway = Gateway.start(vertx, Gateway.controlPlane(), ConfigReader.parse(json, folder),
            folder, metrics, adminToken, null)
        .toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
    // Tests send bursts: enough connections that none waits in the client for another.
    client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    management = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.managementPort()));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (!context.getUniqueId().equals(owner)) {
      return;
    }
    try {
      Future<Void> stopped = gateway != null ? gateway.stop() : vertx != null ? vertx.close()
          : Future.succeededFuture();
      stopped.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  public WebClient client() {
    return client;
  }

  /** A client of the management port: health and metrics. */
  public WebClient management() {
    return management;
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return gateway.port();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }
}
