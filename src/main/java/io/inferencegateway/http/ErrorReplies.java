package io.inferencegateway.http;

import io.inferencegateway.metrics.Outcome;
import io.inferencegateway.model.RequestFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every failure as the protocol's {@code {"error": "..."}} object, and is the one place
 * where a failure's kind becomes an HTTP status and a metric outcome.
 */
final class ErrorReplies {

  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);

  private ErrorReplies() {
  }

  /**
   * Answers a failed request with the status its kind maps to. An overloaded model says when to
   * retry, the one case where retrying soon can succeed; the gateway's own failures carry the
   * request id, which its log names with the details.
   */
  static void send(Exchange exchange, RequestFailure failure) {
    send(exchange.response, exchange.id, failure);
  }

  /** A failure nobody foresaw: logged with the request's id, answered 500 without details. */
  static void unforeseen(Exchange exchange, Throwable failure) {
    LOG.error("Request {} failed: {} {}", exchange.id, exchange.request.method(),
        exchange.request.path(), failure);
    send(exchange, RequestFailure.unforeseen());
  }

  /** The router's failure nobody foresaw; it may have failed before any route. */
  static void unforeseen(RoutingContext ctx) {
    Exchange exchange = Exchange.of(ctx);
    if (exchange != null) {
      unforeseen(exchange, ctx.failure());
      return;
    }
    LOG.error("Request failed: {} {}", ctx.request().method(), ctx.request().path(),
        ctx.failure());
    send(ctx, RequestFailure.unforeseen());
  }

  static void send(Exchange exchange, int status, String message) {
    send(exchange.response, status, new JsonObject().put("error", message));
  }

  /** A failure of a request the router serves; it may have failed before any route. */
  static void send(RoutingContext ctx, RequestFailure failure) {
    Exchange exchange = Exchange.of(ctx);
    send(ctx.response(), exchange == null ? null : exchange.id, failure);
  }

  static void send(RoutingContext ctx, int status, String message) {
    send(ctx.response(), status, new JsonObject().put("error", message));
  }

  private static void send(HttpServerResponse response, String requestId,
      RequestFailure failure) {
    JsonObject body = new JsonObject().put("error", failure.getMessage());
    if (failure.kind() == RequestFailure.Kind.INTERNAL && requestId != null) {
      body.put("request_id", requestId);
    }
    if (failure.kind() == RequestFailure.Kind.OVERLOADED && !response.headWritten()) {
      response.putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    send(response, statusOf(failure.kind()), body);
  }

  private static void send(HttpServerResponse response, int status, JsonObject body) {
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
