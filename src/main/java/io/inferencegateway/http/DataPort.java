package io.inferencegateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The data port's request handler. Every request becomes an {@link Exchange}: its connection's
 * accounting, its id, and once its answer has gone its meters and access-log line. Inference
 * requests go straight to {@link Admission}; every other request goes through the router. The
 * inference routes skip the router because, on a small model, its routing context, handler chain
 * and body handler cost about a tenth of the CPU of the whole request.
 */
final class DataPort implements Handler<HttpServerRequest> {

  /** Why an HTTP/1.1 request without a usable {@code Host} is refused, as RFC 9112 requires. */
  static final String NO_HOST = "an HTTP/1.1 request needs a valid Host header";

  private final Connections connections;
  private final AccessLog accessLog;
  private Admission admission;
  private Router router;

  DataPort(Connections connections, AccessLog accessLog) {
    this.connections = connections;
    this.accessLog = accessLog;
  }

  /** What serves requests: the inference routes' {@code admission}, the {@code router} the rest. */
  void serve(Admission admission, Router router) {
    this.admission = admission;
    this.router = router;
  }

  @Override
  public void handle(HttpServerRequest request) {
    InferencePath path = InferencePath.of(request.path());
    if (path == null) {
      router.handle(request);
      return;
    }
    Exchange exchange = start(request, path);
    if (exchange == null) {
      return;
    }
    try {
      if (lacksHost(request)) {
        ErrorReplies.send(exchange, 400, NO_HOST);
      } else {
        admission.handle(exchange);
      }
    } catch (RuntimeException e) {
      ErrorReplies.unforeseen(exchange, e);
    }
  }

  /**
   * Whether an HTTP/1.1 request has no {@code Host} header or one that is not an authority; the
   * router refuses such requests before any route, and the inference routes do the same.
   */
  static boolean lacksHost(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_1_1 && request.authority() == null;
  }

  /** The router's first handler: every request it serves starts here. */
  void routed(RoutingContext ctx) {
    Exchange exchange = start(ctx.request(), null);
    if (exchange != null) {
      exchange.routedBy(ctx);
      ctx.next();
    }
  }

  /** The request's exchange; null when its connection is refused and it has been answered. */
  private Exchange start(HttpServerRequest request, InferencePath path) {
    Exchange exchange = new Exchange(request, AccessLog.requestId(request), System.nanoTime());
    exchange.path = path;
    HttpServerResponse response = exchange.response;
    response.putHeader(AccessLog.REQUEST_ID_HEADER, exchange.id);
    // On a connection closed before the answer went, the exception handler is called first.
    response.exceptionHandler(closed -> ended(exchange, false));
    response.endHandler(answered -> ended(exchange, true));
    return connections.started(exchange) ? exchange : null;
  }

  private void ended(Exchange exchange, boolean answered) {
    if (exchange.ended) {
      return;
    }
    exchange.ended = true;
    connections.ended(exchange);
    if (exchange.model != null) {
      exchange.model.answered();
    }
    if (answered) {
      accessLog.answered(exchange);
    } else if (exchange.cancellation != null) {
      exchange.cancellation.cancel();
    }
  }
}
