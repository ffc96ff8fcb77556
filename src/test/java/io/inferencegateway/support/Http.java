package io.inferencegateway.support;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;

/** Builders for protocol request bodies used across tests. */
public final class Http {

  private static final long WAIT_SECONDS = 30;

  private Http() {
  }

  /** An OIP request input with flat data. */
  public static JsonObject input(String name, String datatype, JsonArray shape, JsonArray data) {
    return new JsonObject().put("name", name).put("datatype", datatype).put("shape", shape)
        .put("data", data);
  }

  /** A single FP32 input named {@code input}, row-major from a matrix. */
  public static JsonObject fp32Request(float[][] rows) {
    JsonArray data = new JsonArray();
    for (float[] row : rows) {
      for (float value : row) {
        data.add(value);
      }
    }
    return new JsonObject().put("inputs", new JsonArray().add(input("input", "FP32",
        new JsonArray().add(rows.length).add(rows[0].length), data)));
  }

  public static Future<HttpResponse<Buffer>> post(GatewayExtension gateway, String path,
      JsonObject body) {
    return gateway.client().post(path).sendJsonObject(body);
  }

  /** Posts a body with the given header names and values, waiting for the answer. */
  public static HttpResponse<Buffer> send(GatewayExtension gateway, String path, Buffer body,
      String... headers) throws Exception {
    HttpRequest<Buffer> request = gateway.client().post(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.sendBuffer(body).toCompletionStage().toCompletableFuture()
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Gets a path, waiting for the answer. */
  public static HttpResponse<Buffer> get(GatewayExtension gateway, String path) throws Exception {
    return gateway.client().get(path).send().toCompletionStage().toCompletableFuture()
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Waits for an answer the test has asked for. */
  public static HttpResponse<Buffer> await(Future<HttpResponse<Buffer>> request)
      throws Exception {
    return request.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
