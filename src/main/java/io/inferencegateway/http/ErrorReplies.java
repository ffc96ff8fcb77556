package io.inferencegateway.http;

import io.inferencegateway.model.InferenceException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes every failure as the protocol's {@code {"error": "..."}} object, and maps failures from
 * the event bus to HTTP statuses in one place.
 */
final class ErrorReplies {

  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private ErrorReplies() {
  }

  static void send(RoutingContext ctx, int status, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (status == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("error", message).toBuffer());
  }

  /** Answers a failed request: refused by the HTTP layer, by a model, or lost on the way. */
  static void send(RoutingContext ctx, String model, Throwable failure) {
    String message = failure instanceof ReplyException reply ? messageOf(model, reply)
        : failure instanceof HttpError ? failure.getMessage()
        : "internal error: " + failure;
    send(ctx, statusOf(failure), message);
  }

  static int statusOf(Throwable failure) {
    if (failure instanceof HttpError error) {
      return error.status();
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> reply.failureCode();
        case TIMEOUT -> InferenceException.TIMEOUT;
        default -> InferenceException.UNAVAILABLE;
      };
    }
    return InferenceException.INTERNAL;
  }

  private static String messageOf(String model, ReplyException reply) {
    return switch (reply.failureType()) {
      case RECIPIENT_FAILURE -> reply.getMessage();
      case TIMEOUT -> "model '" + model + "' did not answer in time: " + reply.getMessage();
      default -> "model '" + model + "' is not being served: " + reply.getMessage();
    };
  }
}
