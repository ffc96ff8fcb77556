package io.inferencegateway.http;

import io.inferencegateway.model.Cancellation;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/**
 * One request on the data port, from its headers until its answer has gone or its connection has
 * closed: what the gateway's handlers share about it, whether an inference route or the router
 * serves it. Used on its connection's event loop only.
 */
final class Exchange {

  private static final String KEY = "exchange";

  final HttpServerRequest request;
  final HttpServerResponse response;
  /** The client's {@code X-Request-Id}, or one made for it; echoed in the answer. */
  final String id;
  /** When its headers arrived, in {@link System#nanoTime()}'s terms. */
  final long arrivalNanos;
  /** The inference route that serves it; null when the router does. */
  InferencePath path;
  /** The router's context for the request, when the router serves it. */
  RoutingContext routing;
  /** The model admitted for it, told when the answer has gone. */
  ServedModel model;
  /** Cancelled when the connection closes before the answer has gone. */
  Cancellation cancellation;
  boolean ended;

  Exchange(HttpServerRequest request, String id, long arrivalNanos) {
    this.request = request;
    this.response = request.response();
    this.id = id;
    this.arrivalNanos = arrivalNanos;
  }

  /** The exchange of a request the router serves; null when it failed before any route. */
  static Exchange of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  void routedBy(RoutingContext ctx) {
    routing = ctx;
    ctx.put(KEY, this);
  }

  /** The template of the route that answered; null when no route matched. */
  String route() {
    if (path != null) {
      return path.template();
    }
    Route route = routing == null ? null : routing.currentRoute();
    return route == null ? null : route.getName();
  }

  /** The model the URL names; null when it names none. */
  String modelName() {
    if (path != null) {
      return path.name();
    }
    return routing == null ? null : routing.pathParam("name");
  }
}
