package io.inferencegateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.demo.TensorModels;
import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.Http;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dynamic batching on real models: the same requests, sent at once to a gateway that batches
 * (waiting up to 50 ms for batch-mates) and to one that does not, get the same answers.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Dynamic batching joins queued requests without changing any answer")
class BatchingTest {

  private static final int MAX_BATCH = 16;
  private static final String LOOKUP = "lookup";

  @RegisterExtension
  static final GatewayExtension batched = gateway(new JsonObject()
      .put("maxBatchSize", MAX_BATCH).put("maxQueueDelayMicros", 50_000));

  @RegisterExtension
  static final GatewayExtension unbatched = gateway(new JsonObject().put("enabled", false));

  @Test
  void batchedAnswersEqualUnbatchedOnesBitForBit(VertxTestContext ctx) {
    Random random = new Random(42);
    List<String> paths = new ArrayList<>();
    List<JsonObject> bodies = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      // Mostly small requests, and one larger than the batch limit, which runs alone.
      int rows = i == 7 ? MAX_BATCH + 3 : 1 + random.nextInt(4);
      paths.add("/v2/models/mlp/infer");
      bodies.add(Http.fp32Request(randomRows(random, rows, 16)));
      paths.add("/v2/models/type-mix/infer");
      bodies.add(typeMix(random, 1 + random.nextInt(4)));
    }
    sendAll(batched, paths, bodies)
        .compose(withBatching -> sendAll(unbatched, paths, bodies).map(without -> {
          ctx.verify(() -> {
            for (int i = 0; i < bodies.size(); i++) {
              assertThat(withBatching.get(i).statusCode()).as("batched %s", i).isEqualTo(200);
              assertThat(without.get(i).statusCode()).as("unbatched %s", i).isEqualTo(200);
              assertThat(outputs(withBatching.get(i))).as("answer %s to %s", i, paths.get(i))
                  .isEqualTo(outputs(without.get(i)));
            }
            assertThat(largestRun(batched, "mlp")).as("mlp requests joined").isGreaterThan(1);
            assertThat(largestRun(batched, "type-mix")).as("type-mix requests joined")
                .isGreaterThan(1);
            assertThat(largestRun(unbatched, "mlp")).isEqualTo(1);
            assertThat(largestRun(unbatched, "type-mix")).isEqualTo(1);
          });
          return without;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRequestTheModelRejectsFailsAloneWhileItsBatchMatesAreAnswered(VertxTestContext ctx) {
    List<String> paths = new ArrayList<>();
    List<JsonObject> bodies = new ArrayList<>();
    long[] indexes = {1, 4, 99, 2, 7, 0};
    for (long index : indexes) {
      paths.add("/v2/models/" + LOOKUP + "/infer");
      bodies.add(new JsonObject().put("inputs", new JsonArray().add(Http.input("index", "INT64",
          new JsonArray().add(1).add(1), new JsonArray().add(index)))));
    }
    sendAll(batched, paths, bodies).onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
      for (int i = 0; i < indexes.length; i++) {
        HttpResponse<Buffer> response = responses.get(i);
        if (indexes[i] == 99) {
          assertThat(response.statusCode()).as("the culprit").isEqualTo(400);
          assertThat(response.bodyAsJsonObject().getString("error")).contains("rejected");
        } else {
          assertThat(response.statusCode()).as("batch-mate %s", i).isEqualTo(200);
          JsonObject row = response.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0);
          assertThat(row.getJsonArray("shape")).containsExactly(1, 1, 3);
          assertThat(row.getJsonArray("data").stream().map(v -> ((Number) v).intValue()))
              .containsExactly(10 * (int) indexes[i], 10 * (int) indexes[i] + 1,
                  10 * (int) indexes[i] + 2);
        }
      }
      ctx.completeNow();
    })));
  }

  private static GatewayExtension gateway(JsonObject batching) {
    return GatewayExtension.demo((json, dir) -> {
      JsonArray models = json.getJsonArray("models");
      models.add(new JsonObject().put("name", LOOKUP).put("path", write(dir)));
      models.forEach(model -> ((JsonObject) model).put("batching", batching.copy()));
    });
  }

  private static String write(Path dir) {
    Path file = dir.resolve("lookup.onnx");
    try {
      Files.write(file, TensorModels.tableLookup(10, 3).toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toString();
  }

  /** Sends every request at once, so that they queue together; answers in the same order. */
  private static Future<List<HttpResponse<Buffer>>> sendAll(GatewayExtension gateway,
      List<String> paths, List<JsonObject> bodies) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      sent.add(Http.post(gateway, paths.get(i), bodies.get(i)));
    }
    return Future.all(sent).map(all -> all.list());
  }

  private static String outputs(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("outputs").encode();
  }

  private static double largestRun(GatewayExtension gateway, String model) {
    return gateway.metrics().registry().get("gateway.inference.batch.size").tag("model", model)
        .summary().max();
  }

  private static float[][] randomRows(Random random, int rows, int width) {
    float[][] values = new float[rows][width];
    for (float[] row : values) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return values;
  }

  private static JsonObject typeMix(Random random, int rows) {
    JsonArray fp64 = new JsonArray();
    JsonArray int64 = new JsonArray();
    JsonArray int32 = new JsonArray();
    JsonArray bool = new JsonArray();
    for (int i = 0; i < rows * 3; i++) {
      fp64.add(random.nextGaussian() * 1e6);
      int64.add(random.nextLong() / 2);
      int32.add(random.nextInt() / 4);
      bool.add(random.nextBoolean());
    }
    JsonArray shape = new JsonArray().add(rows).add(3);
    return new JsonObject().put("inputs", new JsonArray()
        .add(Http.input("x_fp64", "FP64", shape, fp64))
        .add(Http.input("x_int64", "INT64", shape, int64))
        .add(Http.input("x_int32", "INT32", shape, int32))
        .add(Http.input("x_bool", "BOOL", shape, bool)));
  }
}
