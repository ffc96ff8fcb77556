package io.inferencegateway.http;

import static io.inferencegateway.support.RecordedCalls.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.RecordedCalls;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The named-feature predict route: answers, and the requests it must refuse")
class PredictErrorsTest {

  private static final String CLASSIFIER = "/v1/models/iris-classifier:predict";
  private static final String REGRESSOR = "/v1/models/iris-regressor:predict";
  private static final List<String> IRIS_LABELS = List.of("setosa", "versicolor", "virginica");

  private static final RecordedCalls calls = new RecordedCalls();

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo();

  // ---- answers ----------------------------------------------------------------------------------

  @Test
  void classifierAnswersALabelAndScoresOverAllLabels(VertxTestContext ctx) {
    JsonObject body = instances(setosaFlower(), virginicaFlower());
    post(CLASSIFIER, body).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.getHeader("content-type")).startsWith("application/json");
      JsonArray predictions = response.bodyAsJsonObject().getJsonArray("predictions");
      assertThat(predictions).hasSize(2);
      for (int i = 0; i < predictions.size(); i++) {
        JsonObject prediction = predictions.getJsonObject(i);
        assertThat(prediction.getString("label")).isIn(IRIS_LABELS);
        JsonObject scores = prediction.getJsonObject("scores");
        assertThat(scores.fieldNames()).containsExactlyInAnyOrderElementsOf(IRIS_LABELS);
        double sum = IRIS_LABELS.stream().mapToDouble(scores::getDouble).sum();
        assertThat(sum).as("sum of scores").isCloseTo(1.0, within(1e-3));
        String best = IRIS_LABELS.stream()
            .max((a, b) -> Double.compare(scores.getDouble(a), scores.getDouble(b))).orElseThrow();
        assertThat(prediction.getString("label")).as("label with the top score").isEqualTo(best);
      }
      ctx.completeNow();
    })));
  }

  @Test
  void regressorAnswersANumber(VertxTestContext ctx) {
    JsonObject flower = new JsonObject()
        .put("petal_length", 1.4).put("sepal_length", 5.1).put("sepal_width", 3.5);
    post(REGRESSOR, instances(flower)).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonArray predictions = response.bodyAsJsonObject().getJsonArray("predictions");
      assertThat(predictions).hasSize(1);
      assertThat(predictions.getValue(0)).isInstanceOf(Number.class);
      assertThat(predictions.getDouble(0)).isFinite();
      ctx.completeNow();
    })));
  }

  // ---- 400 --------------------------------------------------------------------------------------

  @Test
  void malformedJsonIs400(VertxTestContext ctx) {
    expectError(ctx, post(CLASSIFIER, "{\"instances\": [{"), 400, "JSON");
  }

  @Test
  void missingInstancesIs400(VertxTestContext ctx) {
    expectError(ctx, post(CLASSIFIER, new JsonObject().put("inputs", new JsonArray())), 400,
        "'instances'");
  }

  @ParameterizedTest(name = "instances = {0}")
  @ValueSource(strings = {"[]", "{}", "\"flower\""})
  void instancesThatAreNotANonEmptyArrayAre400(String value, VertxTestContext ctx) {
    expectError(ctx, post(CLASSIFIER, "{\"instances\": " + value + "}"), 400, "'instances'");
  }

  @ParameterizedTest(name = "instance {0}")
  @ValueSource(strings = {"[1.4, 0.2, 5.1, 3.5]", "5.1", "\"setosa\"", "null"})
  void instanceThatIsNotAnObjectIs400(String value, VertxTestContext ctx) {
    expectError(ctx, post(CLASSIFIER, "{\"instances\": [" + value + "]}"), 400, "instances[0]");
  }

  @ParameterizedTest(name = "petal_length = {0}")
  @ValueSource(strings = {"\"1.4\"", "true", "null", "[1.4]"})
  void featureValueThatIsNotANumberIs400(String value, VertxTestContext ctx) {
    JsonObject flower = setosaFlower().put("petal_length", Json.decodeValue(value));
    expectError(ctx, post(CLASSIFIER, instances(flower)), 400, "petal_length");
  }

  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"petal_length", "petal_width", "sepal_length", "sepal_width"})
  void missingFeatureIs400NamingIt(String feature, VertxTestContext ctx) {
    JsonObject flower = setosaFlower();
    flower.remove(feature);
    expectError(ctx, post(CLASSIFIER, instances(flower)), 400, "'" + feature + "'");
  }

  @Test
  void missingFeatureInALaterInstanceNamesThatInstance(VertxTestContext ctx) {
    JsonObject flower = virginicaFlower();
    flower.remove("sepal_width");
    expectError(ctx, post(CLASSIFIER, instances(setosaFlower(), flower)), 400,
        "instances[1]", "'sepal_width'");
  }

  @Test
  void unknownExtraFeatureIs400NamingIt(VertxTestContext ctx) {
    JsonObject flower = setosaFlower().put("petal_colour", 3.0);
    expectError(ctx, post(CLASSIFIER, instances(flower)), 400, "'petal_colour'");
  }

  @Test
  void regressorRefusesTheFeatureItDoesNotTake(VertxTestContext ctx) {
    // petal_width is the regressor's target, not one of its features.
    expectError(ctx, post(REGRESSOR, instances(setosaFlower())), 400, "'petal_width'");
  }

  @Test
  void modelWithoutNamedFeatureMappingIs400SayingSo(VertxTestContext ctx) {
    expectError(ctx, post("/v1/models/mlp:predict", instances(setosaFlower())), 400,
        "'mlp'", "named-feature");
  }

  // ---- routing ----------------------------------------------------------------------------------

  @Test
  void unknownModelIs404NamingIt(VertxTestContext ctx) {
    expectError(ctx, post("/v1/models/no-such-model:predict", instances(setosaFlower())), 404,
        "'no-such-model'");
  }

  @Test
  void getOnThePredictUrlIs405(VertxTestContext ctx) {
    expectError(ctx, send(HttpMethod.GET, CLASSIFIER, null), 405, "GET", CLASSIFIER);
  }

  // ---- afterwards -------------------------------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE)
  void gatewayStaysHealthyAndNothingWasAServerError(VertxTestContext ctx) {
    send(HttpMethod.GET, "/v2/health/ready", null)
        .compose(health -> post(CLASSIFIER, instances(setosaFlower()))
            .map(predict -> List.of(health, predict)))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertThat(responses.get(0).statusCode()).as("GET /v2/health/ready").isEqualTo(200);
          assertThat(responses.get(1).statusCode()).as("classifier predict").isEqualTo(200);
          assertThat(calls.answers()).as("answers of this suite")
              .isNotEmpty()
              .noneMatch(answer -> answer.matches(".* -> 5\\d\\d"));
          ctx.completeNow();
        })));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The first flower of the Iris data set. */
  private static JsonObject setosaFlower() {
    return new JsonObject()
        .put("petal_length", 1.4).put("petal_width", 0.2)
        .put("sepal_length", 5.1).put("sepal_width", 3.5);
  }

  private static JsonObject virginicaFlower() {
    return new JsonObject()
        .put("petal_length", 6.0).put("petal_width", 2.5)
        .put("sepal_length", 6.3).put("sepal_width", 3.3);
  }

  private static JsonObject instances(JsonObject... flowers) {
    JsonArray array = new JsonArray();
    for (JsonObject flower : flowers) {
      array.add(flower);
    }
    return new JsonObject().put("instances", array);
  }

  private static Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body.toBuffer());
  }

  private static Future<HttpResponse<Buffer>> post(String path, String body) {
    return send(HttpMethod.POST, path, Buffer.buffer(body));
  }

  private static Future<HttpResponse<Buffer>> send(HttpMethod method, String path, Buffer body) {
    return calls.send(gateway, method, path, body);
  }
}
