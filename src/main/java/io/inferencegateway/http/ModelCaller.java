package io.inferencegateway.http;

import io.inferencegateway.config.InferenceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Sends requests to model workers over the event bus, within the inference timeout and the
 * per-model queue limit, and reads request bodies as JSON objects.
 */
final class ModelCaller {

  private final Vertx vertx;
  private final QueueLimits limits;
  private final DeliveryOptions options;
  private final long timeoutMs;

  ModelCaller(Vertx vertx, QueueLimits limits, InferenceConfig config) {
    this.vertx = vertx;
    this.limits = limits;
    this.timeoutMs = config.timeoutMs();
    this.options = new DeliveryOptions().setSendTimeout(config.timeoutMs());
  }

  /** Wall-clock time after which the model should not start this request any more. */
  long deadline() {
    return System.currentTimeMillis() + timeoutMs;
  }

  <R> Future<R> call(String model, String address, Object request) {
    if (!limits.tryAcquire(model)) {
      return Future.failedFuture(new HttpError(503, "model '" + model + "' is overloaded: "
          + limits.limit() + " requests are already waiting; retry later"));
    }
    return vertx.eventBus().<R>request(address, request, options)
        .map(reply -> reply.body())
        .andThen(done -> limits.release(model));
  }

  static JsonObject jsonBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw HttpError.badRequest("the request has no body; expected a JSON object");
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw HttpError.badRequest("the body is not valid JSON: " + firstLine(e));
    }
    if (!(json instanceof JsonObject object)) {
      throw HttpError.badRequest("the body must be a JSON object, not "
          + (json instanceof JsonArray ? "an array" : "a single value"));
    }
    return object;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
