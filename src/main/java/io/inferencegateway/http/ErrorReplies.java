package io.inferencegateway.http;

import io.inferencegateway.metrics.Outcome;
import io.inferencegateway.model.RequestFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes every failure as the protocol's {@code {"error": "..."}} object, and is the one place
 * where a failure's kind becomes an HTTP status and a metric outcome.
 */
final class ErrorReplies {

  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private ErrorReplies() {
  }

  /**
   * Answers a failed request with the status its kind maps to. An overloaded model says when to
   * retry, the one case where retrying soon can succeed; the gateway's own failures carry the
   * request id, which its log names with the details.
   */
  static void send(RoutingContext ctx, RequestFailure failure) {
    JsonObject body = new JsonObject().put("error", failure.getMessage());
    if (failure.kind() == RequestFailure.Kind.INTERNAL) {
      body.put("request_id", AccessLog.requestId(ctx));
    }
    if (failure.kind() == RequestFailure.Kind.OVERLOADED && !ctx.response().headWritten()) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    send(ctx, statusOf(failure.kind()), body);
  }

  static void send(RoutingContext ctx, int status, String message) {
    send(ctx, status, new JsonObject().put("error", message));
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(body.toBuffer());
  }

  static int statusOf(RequestFailure.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST -> 400;
      case TOO_LARGE -> 413;
      case NOT_FOUND -> 404;
      case NOT_READY, OVERLOADED -> 503;
      case TIMED_OUT -> 504;
      // Never seen by a client: given when the client has gone or has had its 504.
      case CANCELLED -> 499;
      case INTERNAL -> 500;
    };
  }

  static Outcome outcomeOf(RequestFailure.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST, TOO_LARGE, NOT_FOUND -> Outcome.CLIENT_ERROR;
      case OVERLOADED -> Outcome.OVERLOAD;
      case TIMED_OUT -> Outcome.TIMEOUT;
      case CANCELLED -> Outcome.CANCELLED;
      case NOT_READY, INTERNAL -> Outcome.FAILURE;
    };
  }
}
