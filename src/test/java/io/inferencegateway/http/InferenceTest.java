package io.inferencegateway.http;

import static io.inferencegateway.support.Http.fp32Request;
import static io.inferencegateway.support.Http.input;
import static io.inferencegateway.support.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferencegateway.demo.IrisData;
import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.regression.Regressor;

@ExtendWith(VertxExtension.class)
@DisplayName("Served predictions equal Tribuo's and ONNX Runtime's in-process results")
class InferenceTest {

  private static final double TOLERANCE = 1e-5;
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo();

  private static LinearSGDModel classifier;
  private static org.tribuo.regression.sgd.linear.LinearSGDModel regressor;
  private static MutableDataset<Label> irisLabels;
  private static MutableDataset<Regressor> irisTargets;

  @BeforeAll
  static void train() {
    classifier = IrisData.trainClassifier();
    regressor = IrisData.trainRegressor();
    irisLabels = IrisData.classificationData();
    irisTargets = IrisData.regressionData();
  }

  @AfterAll
  static void trainedModelsMatchTheShippedConfig() {
    assertThat(IrisData.featureOrder(classifier)).containsExactly(
        "petal_length", "petal_width", "sepal_length", "sepal_width");
    assertThat(IrisData.labelOrder(classifier)).containsExactly("virginica", "setosa", "versicolor");
    assertThat(IrisData.featureOrder(regressor)).containsExactly(
        "petal_length", "sepal_length", "sepal_width");
  }

  @Test
  void classifierTensorsMatchTribuoOnAllIrisRows(VertxTestContext ctx) {
    float[][] rows = IrisData.inputMatrix(classifier, irisLabels);
    List<String> labels = IrisData.labelOrder(classifier);
    List<Prediction<Label>> expected = classifier.predict(irisLabels);
    post(gateway, "/v2/models/iris-classifier/infer", fp32Request(rows).put("id", "iris-150"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonObject body = response.bodyAsJsonObject();
          assertThat(body.getString("model_name")).isEqualTo("iris-classifier");
          assertThat(body.getString("model_version")).isEqualTo("1");
          assertThat(body.getString("id")).isEqualTo("iris-150");
          JsonObject output = body.getJsonArray("outputs").getJsonObject(0);
          assertThat(output.getString("name")).isEqualTo("output");
          assertThat(output.getString("datatype")).isEqualTo("FP32");
          assertThat(output.getJsonArray("shape")).containsExactly(150, 3);
          JsonArray data = output.getJsonArray("data");
          for (int row = 0; row < rows.length; row++) {
            Map<String, Label> scores = expected.get(row).getOutputScores();
            for (int column = 0; column < labels.size(); column++) {
              assertThat(data.getDouble(row * 3 + column))
                  .isCloseTo(scores.get(labels.get(column)).getScore(), within(TOLERANCE));
            }
          }
          ctx.completeNow();
        })));
  }

  @Test
  void regressorTensorsMatchTribuoOnAllIrisRows(VertxTestContext ctx) {
    float[][] rows = IrisData.inputMatrix(regressor, irisTargets);
    List<Prediction<Regressor>> expected = regressor.predict(irisTargets);
    post(gateway, "/v2/models/iris-regressor/versions/1/infer", fp32Request(rows))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonObject output = response.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0);
          assertThat(output.getJsonArray("shape")).containsExactly(150, 1);
          for (int row = 0; row < rows.length; row++) {
            assertThat(output.getJsonArray("data").getDouble(row))
                .isCloseTo(expected.get(row).getOutput().getValues()[0], within(TOLERANCE));
          }
          ctx.completeNow();
        })));
  }

  @Test
  void mlpMatchesOnnxRuntimeInProcess(VertxTestContext ctx) throws OrtException {
    float[][] rows = randomRows(32, 16, 11);
    float[][] expected = runInProcess("conf/models/mlp/1/model.onnx", rows);
    post(gateway, "/v2/models/mlp/infer", fp32Request(rows))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonObject output = response.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0);
          assertThat(output.getJsonArray("shape")).containsExactly(32, 4);
          for (int row = 0; row < rows.length; row++) {
            for (int column = 0; column < 4; column++) {
              assertThat(output.getJsonArray("data").getFloat(row * 4 + column))
                  .isEqualTo(expected[row][column]);
            }
          }
          ctx.completeNow();
        })));
  }

  /**
   * The HTTP front hands requests to the models of its own process directly; the event bus stays
   * for what crosses nodes and for the status probes, which show that the bus is watched.
   */
  @Test
  void requestsToModelsOfThisProcessDoNotCrossTheEventBus(VertxTestContext ctx) {
    List<String> addresses = new CopyOnWriteArrayList<>();
    Handler<DeliveryContext<Object>> watch = delivery -> {
      addresses.add(delivery.message().address());
      delivery.next();
    };
    EventBus bus = gateway.vertx().eventBus();
    bus.addOutboundInterceptor(watch);
    JsonObject iris = new JsonObject().put("instances", new JsonArray().add(new JsonObject()
        .put("petal_length", 1.4).put("petal_width", 0.2).put("sepal_length", 5.1)
        .put("sepal_width", 3.5)));
    post(gateway, "/v2/models/mlp/infer", fp32Request(randomRows(2, 16, 13)))
        .compose(tensors -> post(gateway, "/v1/models/iris-classifier:predict", iris)
            .map(features -> List.of(tensors, features)))
        .compose(answers -> gateway.client().get("/v2/models/mlp/ready").send()
            .map(ready -> List.of(answers.get(0), answers.get(1), ready)))
        .onComplete(done -> bus.removeOutboundInterceptor(watch))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
          assertThat(addresses).as("messages sent on the event bus")
              .noneMatch(address -> address.endsWith(".infer") || address.endsWith(".predict"))
              .anyMatch(address -> address.endsWith(".status"));
          ctx.completeNow();
        })));
  }

  @Test
  void keysInAnyOrderGetTheSameAnswer(VertxTestContext ctx) throws OrtException {
    float[][] rows = randomRows(3, 16, 12);
    float[][] expected = runInProcess("conf/models/mlp/1/model.onnx", rows);
    JsonObject canonical = fp32Request(rows).getJsonArray("inputs").getJsonObject(0);
    JsonObject reordered = new JsonObject()
        .put("data", canonical.getValue("data"))
        .put("shape", canonical.getValue("shape"))
        .put("name", canonical.getValue("name"))
        .put("datatype", canonical.getValue("datatype"));
    post(gateway, "/v2/models/mlp/infer", new JsonObject()
            .put("outputs", new JsonArray().add(new JsonObject().put("name", "output")))
            .put("inputs", new JsonArray().add(reordered)).put("id", "reordered"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getString("id")).isEqualTo("reordered");
          JsonArray data = response.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0)
              .getJsonArray("data");
          for (int i = 0; i < 12; i++) {
            assertThat(data.getFloat(i)).isEqualTo(expected[i / 4][i % 4]);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentRequestsEachGetTheirOwnAnswer(VertxTestContext ctx) throws OrtException {
    int requests = 48;
    var checkpoint = ctx.checkpoint(requests);
    for (int i = 0; i < requests; i++) {
      float[][] rows = randomRows(1 + i % 7, 16, 1000 + i);
      float[][] expected = runInProcess("conf/models/mlp/1/model.onnx", rows);
      String id = "concurrent-" + i;
      post(gateway, "/v2/models/mlp/infer", fp32Request(rows).put("id", id))
          .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.bodyAsJsonObject().getString("id")).isEqualTo(id);
            JsonArray data = response.bodyAsJsonObject().getJsonArray("outputs")
                .getJsonObject(0).getJsonArray("data");
            assertThat(data).hasSize(rows.length * 4);
            for (int row = 0; row < rows.length; row++) {
              for (int column = 0; column < 4; column++) {
                assertThat(data.getFloat(row * 4 + column)).isEqualTo(expected[row][column]);
              }
            }
            checkpoint.flag();
          })));
    }
  }

  @Test
  void everyCarriedDatatypeRoundTrips(VertxTestContext ctx) {
    JsonArray shape = new JsonArray().add(2).add(3);
    JsonObject request = new JsonObject().put("inputs", new JsonArray()
        .add(input("x_fp64", "FP64", shape,
            new JsonArray().add(new JsonArray().add(1.5).add(-2).add(0.1))
                .add(new JsonArray().add(1e300).add(0).add(-0.25))))
        .add(input("x_int64", "INT64", shape,
            new JsonArray().add(1).add(-2).add(Long.MAX_VALUE - 1).add(0).add(5).add(-9)))
        .add(input("x_int32", "INT32", shape,
            new JsonArray().add(1).add(-2).add(3).add(0).add(100).add(-7)))
        .add(input("x_bool", "BOOL", shape,
            new JsonArray().add(true).add(false).add(true).add(false).add(false).add(true))));
    post(gateway, "/v2/models/type-mix/infer", request)
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonArray outputs = response.bodyAsJsonObject().getJsonArray("outputs");
          assertThat(outputs.getJsonObject(0).getString("datatype")).isEqualTo("FP64");
          assertThat(outputs.getJsonObject(0).getJsonArray("data"))
              .containsExactly(3.0, -4.0, 0.2, 2e300, 0.0, -0.5);
          assertThat(outputs.getJsonObject(1).getString("datatype")).isEqualTo("INT64");
          JsonArray int64 = outputs.getJsonObject(1).getJsonArray("data");
          assertThat(List.of(int64.getLong(0), int64.getLong(1), int64.getLong(2),
              int64.getLong(3), int64.getLong(4), int64.getLong(5)))
              .containsExactly(2L, -1L, Long.MAX_VALUE, 1L, 6L, -8L);
          assertThat(outputs.getJsonObject(2).getString("datatype")).isEqualTo("INT32");
          assertThat(outputs.getJsonObject(2).getJsonArray("data"))
              .containsExactly(3, -6, 9, 0, 300, -21);
          assertThat(outputs.getJsonObject(3).getString("datatype")).isEqualTo("BOOL");
          assertThat(outputs.getJsonObject(3).getJsonArray("data"))
              .containsExactly(false, true, false, true, true, false);
          assertThat(outputs.getJsonObject(3).getJsonArray("shape")).containsExactly(2, 3);
          ctx.completeNow();
        })));
  }

  @Test
  void requestedOutputsAreTheOnlyOnesReturned(VertxTestContext ctx) {
    JsonArray shape = new JsonArray().add(1).add(3);
    JsonObject request = new JsonObject()
        .put("inputs", new JsonArray()
            .add(input("x_fp64", "FP64", shape, new JsonArray().add(1).add(2).add(3)))
            .add(input("x_int64", "INT64", shape, new JsonArray().add(1).add(2).add(3)))
            .add(input("x_int32", "INT32", shape, new JsonArray().add(1).add(2).add(3)))
            .add(input("x_bool", "BOOL", shape, new JsonArray().add(true).add(true).add(false))))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "y_int32")));
    post(gateway, "/v2/models/type-mix/infer", request)
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonArray outputs = response.bodyAsJsonObject().getJsonArray("outputs");
          assertThat(outputs).hasSize(1);
          assertThat(outputs.getJsonObject(0).getString("name")).isEqualTo("y_int32");
          assertThat(outputs.getJsonObject(0).getJsonArray("data")).containsExactly(3, 6, 9);
          ctx.completeNow();
        })));
  }

  @Test
  void namedFeatureClassificationMatchesTribuo(VertxTestContext ctx) {
    List<Prediction<Label>> expected = classifier.predict(irisLabels);
    post(gateway, "/v1/models/iris-classifier:predict", instances(irisLabels))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonArray predictions = response.bodyAsJsonObject().getJsonArray("predictions");
          assertThat(predictions).hasSize(150);
          for (int i = 0; i < expected.size(); i++) {
            JsonObject prediction = predictions.getJsonObject(i);
            assertThat(prediction.getString("label"))
                .isEqualTo(expected.get(i).getOutput().getLabel());
            for (Map.Entry<String, Label> score : expected.get(i).getOutputScores().entrySet()) {
              assertThat(prediction.getJsonObject("scores").getDouble(score.getKey()))
                  .isCloseTo(score.getValue().getScore(), within(TOLERANCE));
            }
          }
          ctx.completeNow();
        })));
  }

  @Test
  void namedFeatureRegressionMatchesTribuo(VertxTestContext ctx) {
    List<Prediction<Regressor>> expected = regressor.predict(irisTargets);
    post(gateway, "/v1/models/iris-regressor:predict", instances(irisTargets))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonArray predictions = response.bodyAsJsonObject().getJsonArray("predictions");
          assertThat(predictions).hasSize(150);
          for (int i = 0; i < expected.size(); i++) {
            assertThat(predictions.getDouble(i))
                .isCloseTo(expected.get(i).getOutput().getValues()[0], within(TOLERANCE));
          }
          ctx.completeNow();
        })));
  }

  private static <T extends org.tribuo.Output<T>> JsonObject instances(Iterable<Example<T>> rows) {
    JsonArray instances = new JsonArray();
    for (Example<T> example : rows) {
      JsonObject instance = new JsonObject();
      example.forEach(feature -> instance.put(feature.getName(), feature.getValue()));
      instances.add(instance);
    }
    return new JsonObject().put("instances", instances);
  }

  private static float[][] randomRows(int count, int width, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[count][width];
    for (float[] row : rows) {
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return rows;
  }

  private static float[][] runInProcess(String path, float[][] rows) throws OrtException {
    try (OrtSession session = ENV.createSession(path, new OrtSession.SessionOptions());
         OnnxTensor input = OnnxTensor.createTensor(ENV, rows);
         OrtSession.Result result = session.run(Map.of("input", input))) {
      return (float[][]) result.get(0).getValue();
    }
  }
}
