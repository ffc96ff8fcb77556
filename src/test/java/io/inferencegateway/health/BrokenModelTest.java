package io.inferencegateway.health;

import static io.inferencegateway.support.Http.fp32Request;
import static io.inferencegateway.support.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("A corrupt and a missing model file: the gateway serves the rest and reports them DOWN")
class BrokenModelTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(dir -> {
    try {
      Files.write(dir.resolve("corrupt.onnx"), "this is not an ONNX protobuf".getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new JsonObject()
        .put("health", new JsonObject().put("timeoutMs", 1000))
        .put("models", new JsonArray()
            .add(model("mlp", Path.of("conf/models/mlp/1/model.onnx").toAbsolutePath().toString()))
            .add(model("corrupt", "corrupt.onnx"))
            .add(model("missing", "nowhere/model.onnx"))
            .add(model("mismapped", Path.of("conf/models/iris-classifier/1/model.onnx")
                .toAbsolutePath().toString()).put("predict", new JsonObject()
                .put("kind", "classification")
                .put("features", new JsonArray().add("a").add("b").add("c"))
                .put("labels", new JsonArray().add("x").add("y").add("z")))));
  });

  @Test
  void healthAnswers503NamingTheBrokenModels(VertxTestContext ctx) {
    gateway.management().get("/health").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(503);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("outcome")).isEqualTo("DOWN");
      Map<String, JsonObject> checks = checksById(body);
      assertThat(checks.get("mlp").getString("status")).isEqualTo("UP");
      assertThat(checks.get("corrupt").getString("status")).isEqualTo("DOWN");
      assertThat(checks.get("corrupt").getJsonObject("data").getString("state")).isEqualTo("FAILED");
      assertThat(checks.get("corrupt").getJsonObject("data").getString("error")).isNotBlank();
      assertThat(checks.get("missing").getString("status")).isEqualTo("DOWN");
      assertThat(checks.get("missing").getJsonObject("data").getString("error"))
          .contains("does not exist");
      ctx.completeNow();
    })));
  }

  @Test
  void predictMappingThatDoesNotFitTheModelFailsItsLoad(VertxTestContext ctx) {
    gateway.client().get("/v2/models/mismapped/ready").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(503);
          assertThat(response.bodyAsJsonObject().getString("error"))
              .contains("predict.features names 3").contains("4 columns");
          ctx.completeNow();
        })));
  }

  @Test
  void readinessEndpointsAnswer503NamingTheBrokenModels(VertxTestContext ctx) {
    gateway.client().get("/v2/health/ready").send()
        .compose(ready -> {
          ctx.verify(() -> {
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.bodyAsJsonObject().getString("error"))
                .contains("corrupt").contains("missing").doesNotContain("mlp");
          });
          return gateway.management().get("/health/ready").send();
        })
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertThat(ready.statusCode()).isEqualTo(503);
          ctx.completeNow();
        })));
  }

  @Test
  void livenessStaysUpBecauseARestartWouldNotMendAFile(VertxTestContext ctx) {
    gateway.management().get("/health/live").send()
        .compose(live -> {
          ctx.verify(() -> assertThat(live.statusCode()).isEqualTo(200));
          return gateway.client().get("/v2/health/live").send();
        })
        .onComplete(ctx.succeeding(live -> ctx.verify(() -> {
          assertThat(live.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  void healthyModelStillAnswers(VertxTestContext ctx) {
    post(gateway, "/v2/models/mlp/infer", fp32Request(new float[2][16]))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getJsonArray("outputs")).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  void brokenModelAnswers503WithItsCause(VertxTestContext ctx) {
    post(gateway, "/v2/models/corrupt/infer", fp32Request(new float[1][4]))
        .compose(infer -> {
          ctx.verify(() -> {
            assertThat(infer.statusCode()).isEqualTo(503);
            assertThat(infer.bodyAsJsonObject().getString("error")).contains("corrupt");
            assertThat(infer.getHeader("retry-after")).as("retrying cannot mend a file").isNull();
          });
          return gateway.client().get("/v2/models/missing/ready").send();
        })
        .compose(ready -> {
          ctx.verify(() -> {
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.bodyAsJsonObject().getString("error")).contains("does not exist");
          });
          return gateway.client().get("/v2/models/mlp/ready").send();
        })
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertThat(ready.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  private static JsonObject model(String name, String path) {
    return new JsonObject().put("name", name).put("path", path);
  }

  static Map<String, JsonObject> checksById(JsonObject health) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(check -> check.getString("id"), check -> check));
  }
}
