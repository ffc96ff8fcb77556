package io.inferencegateway.support;

import io.inferencegateway.demo.TensorModels;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model that takes a noticeable time per request while the request stays small: what tests of
 * busy, stuck, overloaded and timed-out models need. About 33 million multiply-adds per row.
 */
public final class SlowModel {

  public static final String NAME = "slow";
  private static final int WIDTH = 512;
  private static final int LAYERS = 128;

  private SlowModel() {
  }

  /** Writes the model into {@code dir} and returns its config entry, with one worker. */
  public static JsonObject writeTo(Path dir) {
    Path file = dir.resolve("slow.onnx");
    try {
      Files.write(file, TensorModels.slowChain(WIDTH, LAYERS).toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new JsonObject().put("name", NAME).put("path", file.toString()).put("instances", 1);
  }

  /** Sends one inference of {@code rows} zero rows. */
  public static Future<HttpResponse<Buffer>> infer(GatewayExtension gateway, int rows) {
    return request(gateway).sendBuffer(body(rows));
  }

  /** An inference request to the model, for tests that add headers or a client timeout. */
  public static HttpRequest<Buffer> request(GatewayExtension gateway) {
    return gateway.client().post("/v2/models/" + NAME + "/infer")
        .putHeader("content-type", "application/json");
  }

  /** The body of an inference of {@code rows} zero rows. */
  public static Buffer body(int rows) {
    StringBuilder json = new StringBuilder(rows * WIDTH * 2 + 100);
    json.append("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[")
        .append(rows).append(',').append(WIDTH).append("],\"data\":[");
    for (int i = 0; i < rows * WIDTH; i++) {
      json.append(i == 0 ? "0" : ",0");
    }
    json.append("]}]}");
    return Buffer.buffer(json.toString());
  }
}
