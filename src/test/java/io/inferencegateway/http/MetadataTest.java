package io.inferencegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Server and model metadata, and the protocol's health endpoints")
class MetadataTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo();

  @Test
  void serverMetadataNamesTheGateway(VertxTestContext ctx) {
    get("/v2", ctx, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("name")).isEqualTo("inference-gateway");
      assertThat(body.getString("version")).isNotBlank();
      assertThat(body.getJsonArray("extensions")).isNotNull();
    });
  }

  @Test
  void modelMetadataComesFromTheOnnxSession(VertxTestContext ctx) {
    get("/v2/models/type-mix", ctx, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("name")).isEqualTo("type-mix");
      assertThat(body.getJsonArray("versions")).containsExactly("1");
      assertThat(body.getString("platform")).isEqualTo("onnx_onnxv1");
      assertThat(body.getJsonArray("inputs")).containsExactly(
          tensor("x_fp64", "FP64"), tensor("x_int64", "INT64"),
          tensor("x_int32", "INT32"), tensor("x_bool", "BOOL"));
      assertThat(body.getJsonArray("outputs")).containsExactly(
          tensor("y_fp64", "FP64"), tensor("y_int64", "INT64"),
          tensor("y_int32", "INT32"), tensor("y_bool", "BOOL"));
    });
  }

  @Test
  void versionedMetadataMatchesUnversioned(VertxTestContext ctx) {
    get("/v2/models/mlp/versions/1", ctx, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getJsonArray("inputs")).containsExactly(new JsonObject()
          .put("name", "input").put("datatype", "FP32").put("shape", new JsonArray().add(-1).add(16)));
      assertThat(body.getJsonArray("outputs")).containsExactly(new JsonObject()
          .put("name", "output").put("datatype", "FP32").put("shape", new JsonArray().add(-1).add(4)));
    });
  }

  @Test
  void unknownVersionIs404(VertxTestContext ctx) {
    get("/v2/models/mlp/versions/7", ctx, response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("error")).contains("mlp").contains("7");
    });
  }

  @Test
  void serverLiveAndReadyAnswer200(VertxTestContext ctx) {
    gateway.client().get("/v2/health/live").send()
        .compose(live -> {
          assertThat(live.statusCode()).isEqualTo(200);
          return gateway.client().get("/v2/health/ready").send();
        })
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertThat(ready.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  void modelReadyAnswers200ForEveryDemoModel(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(5);
    for (String model : new String[] {"iris-classifier", "iris-regressor", "mlp", "type-mix",
        "datatypes"}) {
      gateway.client().get("/v2/models/" + model + "/versions/1/ready").send()
          .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
            assertThat(response.statusCode()).as(model).isEqualTo(200);
            checkpoint.flag();
          })));
    }
  }

  @Test
  void healthIsUpWithEveryModelNamed(VertxTestContext ctx) {
    get("/health", ctx, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("outcome")).isEqualTo("UP");
      JsonArray checks = body.getJsonArray("checks");
      assertThat(checks.stream().map(check -> ((JsonObject) check).getString("id")))
          .containsExactlyInAnyOrder("iris-classifier", "iris-regressor", "mlp", "type-mix",
              "datatypes");
      JsonObject mlp = checks.stream().map(JsonObject.class::cast)
          .filter(check -> check.getString("id").equals("mlp")).findFirst().orElseThrow();
      assertThat(mlp.getString("status")).isEqualTo("UP");
      assertThat(mlp.getJsonObject("data").getString("state")).isEqualTo("READY");
      assertThat(mlp.getJsonObject("data").getString("version")).isEqualTo("1");
      assertThat(mlp.getJsonObject("data").getLong("loadTimeMs")).isNotNegative();
    });
  }

  @Test
  void livenessAndReadinessAreUp(VertxTestContext ctx) {
    gateway.management().get("/health/live").send()
        .compose(live -> {
          assertThat(live.statusCode()).isEqualTo(200);
          return gateway.management().get("/health/ready").send();
        })
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertThat(ready.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  private static JsonObject tensor(String name, String datatype) {
    return new JsonObject().put("name", name).put("datatype", datatype)
        .put("shape", new JsonArray().add(-1).add(3));
  }

  private static void get(String path, VertxTestContext ctx,
      Consumer<HttpResponse<Buffer>> check) {
    // Health is served on the management port, the protocol's routes on the data port.
    (path.startsWith("/health") ? gateway.management() : gateway.client()).get(path).send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          check.accept(response);
          ctx.completeNow();
        })));
  }
}
