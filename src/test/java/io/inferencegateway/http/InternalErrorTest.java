package io.inferencegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.health.Draining;
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
 * A failure nobody foresaw, behind the real HTTP verticle and event bus. A real model cannot be
 * made to fail that way on demand, so a consumer on the model's address stands in for it and
 * fails each request with an exception's text, as a crashing component would.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("An unforeseen failure answers 500 with a request id and none of its details")
class InternalErrorTest {

  private static final String SECRET = "java.lang.IllegalStateException: at /opt/secret/path";

  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    GatewayConfig config = ConfigReader.parse(new JsonObject()
        .put("http", new JsonObject().put("instances", 1))
        .put("models", new JsonArray()
            .add(new JsonObject().put("name", "crashing").put("path", "crashing.onnx"))),
        Path.of("."));
    GatewayMetrics metrics = new GatewayMetrics();
    ModelRegistry registry = new ModelRegistry(metrics, 30_000, null);
    ServedModel crashing = registry.prepare(config.models().get(0));
    registry.serve(crashing);
    vertx.eventBus().consumer(crashing.inferAddress(), message -> message.fail(-1, SECRET));
    HttpVerticle http = new HttpVerticle(config, 0, registry, new QueueSlots(4), metrics,
        new Draining(), new AtomicInteger(), "test", null);
    vertx.deployVerticle(http).onComplete(ctx.succeeding(id -> {
      client = WebClient.create(vertx, new WebClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(http.actualPort()));
      ctx.completeNow();
    }));
  }

  @Test
  void theAnswerNamesTheRequestAndHidesTheCause(VertxTestContext ctx) {
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "x").put("datatype", "FP32").put("shape", new JsonArray().add(1))
        .put("data", new JsonArray().add(1))));
    client.post("/v2/models/crashing/infer").putHeader("X-Request-Id", "req-42")
        .sendJsonObject(request)
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(500);
          assertThat(response.getHeader("retry-after")).isNull();
          assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
              .put("error", "internal error").put("request_id", "req-42"));
          assertThat(response.bodyAsString()).doesNotContain("secret").doesNotContain("java.");
          ctx.completeNow();
        })));
  }
}
