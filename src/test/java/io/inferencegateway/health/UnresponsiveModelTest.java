package io.inferencegateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.http.HttpVerticle;
import io.inferencegateway.management.ManagementVerticle;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.QueueSlots;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model that never answers its probe. A real worker cannot be made to hang on demand, so a
 * consumer that swallows probes stands in for the hung model on the real event bus, behind the
 * real HTTP verticle and health checks.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A model that never answers its health probe turns DOWN within the timeout")
class UnresponsiveModelTest {

  private static final long TIMEOUT_MS = 500;
  private static final long MARGIN_MS = 1000;

  private WebClient client;
  private WebClient management;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    GatewayConfig config = ConfigReader.parse(new JsonObject()
        .put("http", new JsonObject().put("instances", 1))
        .put("health", new JsonObject().put("timeoutMs", TIMEOUT_MS))
        .put("models", new JsonArray()
            .add(new JsonObject().put("name", "silent").put("path", "silent.onnx"))), Path.of("."));
    GatewayMetrics metrics = new GatewayMetrics();
    ModelRegistry registry = new ModelRegistry(metrics, 30_000, null);
    ServedModel silent = registry.prepare(config.models().get(0));
    registry.serve(silent);
    vertx.eventBus().consumer(silent.statusAddress(), message -> { });
    HttpVerticle http = new HttpVerticle(config, 0, registry, new QueueSlots(4), metrics,
        new Draining(), new AtomicInteger(), "test", null);
    ManagementVerticle health = new ManagementVerticle(config, 0, registry, metrics.registry(),
        new Draining(), null, null, vertx);
    vertx.deployVerticle(http).compose(id -> vertx.deployVerticle(health))
        .onComplete(ctx.succeeding(id -> {
          client = WebClient.create(vertx, new WebClientOptions()
              .setDefaultHost("127.0.0.1").setDefaultPort(http.actualPort()));
          management = WebClient.create(vertx, new WebClientOptions()
              .setDefaultHost("127.0.0.1").setDefaultPort(health.actualPort()));
          ctx.completeNow();
        }));
  }

  @Test
  void healthAnswers503WithinTheTimeout(VertxTestContext ctx) {
    long start = System.nanoTime();
    management.get("/health").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(elapsedMs).isLessThan(TIMEOUT_MS + MARGIN_MS);
      JsonObject silent = BrokenModelTest.checksById(response.bodyAsJsonObject()).get("silent");
      assertThat(silent.getString("status")).isEqualTo("DOWN");
      assertThat(silent.getJsonObject("data").getString("state")).isEqualTo("UNRESPONSIVE");
      ctx.completeNow();
    })));
  }

  @Test
  void unresponsiveModelIsNotLiveEither(VertxTestContext ctx) {
    management.get("/health/live").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(503);
      ctx.completeNow();
    })));
  }

  @Test
  void serverReadyAndModelReadyAnswer503(VertxTestContext ctx) {
    client.get("/v2/health/ready").send()
        .compose(ready -> {
          ctx.verify(() -> {
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.bodyAsJsonObject().getString("error")).contains("silent");
          });
          return client.get("/v2/models/silent/ready").send();
        })
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertThat(ready.statusCode()).isEqualTo(503);
          assertThat(ready.bodyAsJsonObject().getString("error")).contains("UNRESPONSIVE");
          ctx.completeNow();
        })));
  }
}
