package io.inferencegateway.repository;

import static io.inferencegateway.support.Http.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.Gateway;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.TestFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The repository API on a gateway serving {@code mlp} version 1 from a repository folder that
 * also holds version 2, a corrupt version 3 and a model {@code extra} nobody configured. The
 * operations run in order, each under steady load, counting every answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The repository API loads, reloads and unloads models under load, losing nothing")
class RepositoryApiTest {

  private static final String TOKEN = "s3cret-token";
  private static final Path MLP = Path.of("conf/models/mlp/1/model.onnx").toAbsolutePath();
  private static final Path IRIS =
      Path.of("conf/models/iris-classifier/1/model.onnx").toAbsolutePath();
  private static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(dir -> {
    TestFiles.copy(MLP, dir.resolve("models/mlp/1/model.onnx"));
    TestFiles.copy(MLP, dir.resolve("models/mlp/2/model.onnx"));
    TestFiles.write(dir.resolve("models/mlp/3/model.onnx"), "not a model");
    TestFiles.copy(MLP, dir.resolve("models/extra/4/model.onnx"));
    TestFiles.copy(IRIS, dir.resolve("models/irisx/1/model.onnx"));
    TestFiles.write(dir.resolve("models/irisx/1/predict.json"), new JsonObject()
        .put("kind", "classification")
        .put("features", new JsonArray().add("petal_length").add("petal_width")
            .add("sepal_length").add("sepal_width"))
        .put("labels", new JsonArray().add("virginica").add("setosa").add("versicolor"))
        .encode());
    return new JsonObject()
        .put("management", new JsonObject().put("repositoryApi", true))
        .put("models", new JsonArray().add(new JsonObject().put("name", "mlp")
            .put("path", "models/mlp/1/model.onnx").put("instances", 1)));
  }).withAdminToken(TOKEN);

  @ParameterizedTest
  @ValueSource(strings = {"/v2/repository/index", "/v2/repository/models/mlp/load",
      "/v2/repository/models/mlp/unload"})
  @Order(1)
  void everyRouteRefusesACallWithoutTheRightToken(String path) throws Exception {
    HttpResponse<Buffer> none = await(gateway.management().post(path).sendBuffer(Buffer.buffer()));
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(none.bodyAsJsonObject().getString("error")).contains("Bearer");

    HttpResponse<Buffer> wrong = await(gateway.management().post(path)
        .putHeader("Authorization", "Bearer " + TOKEN + "x").sendBuffer(Buffer.buffer()));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(index().getJsonObject(0).getString("version")).as("nothing changed").isEqualTo("1");
  }

  @Test
  @Order(2)
  void theIndexListsTheServedModel() throws Exception {
    assertThat(await(gateway.client().get("/v2").send()).bodyAsJsonObject()
        .getJsonArray("extensions")).contains("model_repository");
    assertThat(index()).containsExactly(new JsonObject().put("name", "mlp").put("version", "1")
        .put("state", "READY").put("reason", ""));
    HttpResponse<Buffer> readyOnly = repository("/v2/repository/index",
        new JsonObject().put("ready", true));
    assertThat(readyOnly.bodyAsJsonArray()).hasSize(1);
  }

  @Test
  @Order(3)
  void aNewVersionTakesOverUnderLoadWithNoRequestLost() throws Exception {
    Map<String, Integer> answers = underLoad("mlp", () -> repository(
        "/v2/repository/models/mlp/load", config("2", "models/mlp/2/model.onnx")));

    System.out.println("reload mlp 1 -> 2 under load: " + answers);
    assertThat(answers.keySet()).containsOnly("200");
    assertThat(metadata("mlp").getJsonArray("versions")).containsExactly("2");
    assertThat(await(gateway.client().get("/v2/models/mlp/versions/2/ready").send()).statusCode())
        .isEqualTo(200);
    String metrics = await(gateway.management().get("/metrics").send()).bodyAsString();
    assertThat(metrics).contains("gateway_model_state{model=\"mlp\",version=\"2\"} 1.0")
        .doesNotContain("gateway_model_state{model=\"mlp\",version=\"1\"}")
        .contains("gateway_inference_requests_total{model=\"mlp\",outcome=\"success\","
            + "version=\"2\"}");
  }

  @Test
  @Order(4)
  void aCorruptVersionLeavesTheOldOneServingAndShowsInTheIndex() throws Exception {
    Map<String, Integer> answers = underLoad("mlp", () -> {
      // A version without a path names its folder: models/mlp/3, whose file is corrupt.
      HttpResponse<Buffer> load = repository("/v2/repository/models/mlp/load",
          new JsonObject().put("parameters", new JsonObject().put("config",
              new JsonObject().put("version", "3").encode())));
      assertThat(load.statusCode()).isEqualTo(400);
      assertThat(load.bodyAsJsonObject().getString("error")).contains("version 3 failed to load");
      return load;
    });

    assertThat(answers.keySet()).containsOnly("200");
    assertThat(metadata("mlp").getJsonArray("versions")).containsExactly("2");
    JsonArray index = index();
    assertThat(index).hasSize(2);
    assertThat(index.getJsonObject(0).getString("state")).isEqualTo("READY");
    assertThat(index.getJsonObject(1).getString("version")).isEqualTo("3");
    assertThat(index.getJsonObject(1).getString("state")).isEqualTo("UNAVAILABLE");
    assertThat(index.getJsonObject(1).getString("reason")).isNotEmpty();
    HttpResponse<Buffer> health = await(gateway.management().get("/health").send());
    assertThat(health.statusCode()).as("the model serves on: UP").isEqualTo(200);
    JsonObject mlp = health.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0);
    assertThat(mlp.getJsonObject("data").getString("version")).isEqualTo("2");
    assertThat(mlp.getJsonObject("data").getJsonObject("failedLoad").getString("version"))
        .isEqualTo("3");
  }

  @Test
  @Order(5)
  void aModelNobodyConfiguredLoadsFromItsHighestVersionFolder() throws Exception {
    AtomicReference<HttpResponse<Buffer>> load = new AtomicReference<>();
    Map<String, Integer> answers = underLoad("mlp", () -> {
      load.set(repository("/v2/repository/models/extra/load", null));
      return load.get();
    });

    System.out.println("load extra while mlp is under load: " + answers);
    assertThat(answers.keySet()).containsOnly("200");
    assertThat(load.get().statusCode()).as(load.get().bodyAsString()).isEqualTo(200);
    assertThat(metadata("extra").getJsonArray("versions")).containsExactly("4");
    assertThat(infer("extra").statusCode()).isEqualTo(200);
    JsonArray checks = await(gateway.management().get("/health").send()).bodyAsJsonObject()
        .getJsonArray("checks");
    assertThat(checks.stream().map(check -> ((JsonObject) check).getString("id")))
        .contains("extra");
  }

  @Test
  @Order(6)
  void anUnloadedModelFinishesItsWorkThenAnswers404() throws Exception {
    Map<String, Integer> answers = underLoad("extra",
        () -> repository("/v2/repository/models/extra/unload", null));

    System.out.println("unload extra under load: " + answers);
    assertThat(answers.keySet()).containsOnly("200", "404");
    assertThat(answers).containsKey("200");
    assertThat(infer("extra").statusCode()).isEqualTo(404);
    assertThat(index().stream().map(JsonObject.class::cast)
        .filter(entry -> entry.getString("name").equals("extra")).findFirst().orElseThrow()
        .getString("state")).isEqualTo("UNAVAILABLE");
    assertThat(repository("/v2/repository/models/extra/unload", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(7)
  void aMappingBesideTheModelFileServesNamedFeatures() throws Exception {
    HttpResponse<Buffer> load = repository("/v2/repository/models/irisx/load", null);
    assertThat(load.statusCode()).as(load.bodyAsString()).isEqualTo(200);

    HttpResponse<Buffer> predict = await(gateway.client().post("/v1/models/irisx:predict")
        .sendJsonObject(new JsonObject().put("instances", new JsonArray().add(new JsonObject()
            .put("sepal_length", 5.1).put("sepal_width", 3.5).put("petal_length", 1.4)
            .put("petal_width", 0.2)))));
    assertThat(predict.statusCode()).as(predict.bodyAsString()).isEqualTo(200);
    assertThat(predict.bodyAsJsonObject().getJsonArray("predictions").getJsonObject(0)
        .getString("label")).isEqualTo("setosa");
  }

  @Test
  void theApiRefusesToStartWithoutAToken() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Future<Gateway> start = Gateway.start(vertx, Gateway.controlPlane(), ConfigReader.parse(
          new JsonObject().put("management", new JsonObject().put("repositoryApi", true))
              .put("models", new JsonArray().add(new JsonObject().put("name", "mlp")
                  .put("path", MLP.toString()))), Path.of(".")), Path.of("."),
          new GatewayMetrics(), null, null);
      Throwable failure = start.toCompletionStage().toCompletableFuture()
          .handle((started, error) -> error).get(30, TimeUnit.SECONDS);
      assertThat(failure).hasMessageContaining("GATEWAY_ADMIN_TOKEN");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private interface Operation {
    HttpResponse<Buffer> run() throws Exception;
  }

  /**
   * Runs {@code operation} while four clients post to {@code model} without pause, and goes on
   * a little after it; every answer counted by status, and a failure to get one by its kind.
   */
  private static Map<String, Integer> underLoad(String model, Operation operation)
      throws Exception {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Future<Void> clients = Future.all(IntStream.range(0, 4)
        .mapToObj(i -> load(gateway.client(), model, running, counts)).toList()).mapEmpty();
    Thread.sleep(300);
    HttpResponse<Buffer> result = operation.run();
    assertThat(result.statusCode()).as(result.bodyAsString()).isIn(200, 400);
    Thread.sleep(300);
    running.set(false);
    clients.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Map<String, Integer> answers = new TreeMap<>();
    counts.forEach((status, count) -> answers.put(status, count.get()));
    return answers;
  }

  private static Future<Void> load(WebClient client, String model, AtomicBoolean running,
      Map<String, AtomicInteger> counts) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    return client.post("/v2/models/" + model + "/infer")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(BODY))
        .transform(done -> {
          String outcome = done.succeeded() ? String.valueOf(done.result().statusCode())
              : done.cause().getClass().getSimpleName();
          counts.computeIfAbsent(outcome, any -> new AtomicInteger()).incrementAndGet();
          return load(client, model, running, counts);
        });
  }

  private static JsonObject config(String version, String path) {
    return new JsonObject().put("parameters", new JsonObject().put("config",
        new JsonObject().put("version", version).put("path", path).encode()));
  }

  private static JsonArray index() throws Exception {
    HttpResponse<Buffer> response = repository("/v2/repository/index", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonArray();
  }

  private static JsonObject metadata(String model) throws Exception {
    HttpResponse<Buffer> response = await(gateway.client().get("/v2/models/" + model).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> infer(String model) throws Exception {
    return await(gateway.client().post("/v2/models/" + model + "/infer")
        .sendBuffer(Buffer.buffer(BODY)));
  }

  private static HttpResponse<Buffer> repository(String path, JsonObject body) throws Exception {
    return await(gateway.management().post(path).putHeader("Authorization", "Bearer " + TOKEN)
        .sendBuffer(body == null ? Buffer.buffer() : body.toBuffer()));
  }
}
