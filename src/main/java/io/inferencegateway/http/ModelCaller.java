package io.inferencegateway.http;

import io.inferencegateway.config.InferenceConfig;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.metrics.ModelMetrics;
import io.inferencegateway.metrics.Outcome;
import io.inferencegateway.model.InferenceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Sends admitted requests to model workers over the event bus within the inference timeout,
 * counts how each request ended, and reads request bodies as JSON objects.
 */
final class ModelCaller {

  private final Vertx vertx;
  private final GatewayMetrics metrics;
  private final DeliveryOptions options;
  private final long timeoutMs;

  ModelCaller(Vertx vertx, GatewayMetrics metrics, InferenceConfig config) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.timeoutMs = config.timeoutMs();
    this.options = new DeliveryOptions().setSendTimeout(config.timeoutMs());
  }

  /** Wall-clock time after which the model should not start this request any more. */
  long deadline() {
    return System.currentTimeMillis() + timeoutMs;
  }

  /** Sends a request to a model; the future fails with what {@link ErrorReplies} answers. */
  <R> Future<R> call(ModelConfig model, String address, Object request) {
    ModelMetrics counts = metrics.model(model.name(), model.version());
    return vertx.eventBus().<R>request(address, request, options)
        .map(reply -> reply.body())
        .andThen(done ->
            counts.request(done.succeeded() ? Outcome.SUCCESS : outcomeOf(done.cause())));
  }

  /** Counts a request refused before it reached the model. */
  void refused(ModelConfig model) {
    metrics.model(model.name(), model.version()).request(Outcome.CLIENT_ERROR);
  }

  private static Outcome outcomeOf(Throwable failure) {
    int status = ErrorReplies.statusOf(failure);
    if (status == InferenceException.TIMEOUT) {
      return Outcome.TIMEOUT;
    }
    return status >= 400 && status < 500 ? Outcome.CLIENT_ERROR : Outcome.FAILURE;
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
