package io.inferencegateway.http;

import io.inferencegateway.config.HttpConfig;
import io.inferencegateway.health.Draining;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data port's connections on one event loop and what each owes: a connection must send its
 * first request's headers within {@code headerTimeoutMs} and may then sit idle between requests
 * for {@code idleTimeoutMs}; a request's body must be whole within {@code bodyTimeoutMs} of its
 * headers, or it is answered 408 and its connection closed. A connection beyond
 * {@code maxConnections}, counted over every event loop, has its first request answered 503 and
 * is closed. While the gateway drains, every answer says {@code Connection: close}, and
 * {@link #closeIdle} closes the connections with no request in flight, so none that has sent
 * nothing holds the exit. Single-threaded: every method runs on the event loop that owns the
 * connections.
 */
final class Connections implements Handler<RoutingContext> {

  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");

  private final Vertx vertx;
  private final Draining draining;
  private final long headerTimeoutMs;
  private final long bodyTimeoutMs;
  private final long idleTimeoutMs;
  private final Map<HttpConnection, Open> open = new HashMap<>();
  private final AtomicInteger total;
  private final int maxConnections;

  /** Requests in flight on a connection, and the timer that closes it while it has none. */
  private static final class Open {
    int inFlight;
    long idleTimer = -1;
    /** Opened beyond {@code maxConnections}. */
    boolean refused;
  }

  /** {@code total} counts the data port's connections on every event loop. */
  Connections(Vertx vertx, HttpConfig config, Draining draining, AtomicInteger total) {
    this.vertx = vertx;
    this.draining = draining;
    this.total = total;
    this.maxConnections = config.maxConnections();
    this.headerTimeoutMs = config.headerTimeoutMs();
    this.bodyTimeoutMs = config.bodyTimeoutMs();
    this.idleTimeoutMs = config.idleTimeoutMs();
  }

  /**
   * A new connection: it has {@code headerTimeoutMs} to start its first request. One beyond
   * {@code maxConnections} is refused: its first request is answered 503 and the connection
   * closed, and if it sends none it is closed at that timeout like any other.
   */
  void opened(HttpConnection connection) {
    Open state = new Open();
    state.refused = maxConnections > 0 && total.incrementAndGet() > maxConnections;
    if (state.refused) {
      total.decrementAndGet();
    }
    open.put(connection, state);
    connection.closeHandler(closed -> {
      Open gone = open.remove(connection);
      if (gone != null) {
        if (!gone.refused && maxConnections > 0) {
          total.decrementAndGet();
        }
        vertx.cancelTimer(gone.idleTimer);
      }
    });
    state.idleTimer = vertx.setTimer(headerTimeoutMs, fired -> connection.close());
  }

  /** The first step of every request on the data port. */
  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection connection = request.connection();
    Open state = open.get(connection);
    if (state != null && state.refused) {
      ctx.addEndHandler(ended -> connection.close());
      // An overload that a retry on a fresh connection may get past.
      ctx.response().putHeader(HttpHeaders.CONNECTION, CLOSE)
          .putHeader(HttpHeaders.RETRY_AFTER, "1");
      ErrorReplies.send(ctx, 503, "the gateway takes at most " + maxConnections
          + " connections at once; retry later");
      return;
    }
    if (state != null) {
      vertx.cancelTimer(state.idleTimer);
      state.inFlight++;
    }
    long bodyTimer = request.isEnded() ? -1 : vertx.setTimer(bodyTimeoutMs, fired -> {
      if (!request.isEnded() && !ctx.response().ended()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, CLOSE);
        ErrorReplies.send(ctx, 408, "the request body did not arrive within " + bodyTimeoutMs
            + " ms of its headers");
        connection.close();
      }
    });
    ctx.addHeadersEndHandler(headers -> {
      if (draining.started()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, CLOSE);
      }
    });
    ctx.addEndHandler(ended -> {
      vertx.cancelTimer(bodyTimer);
      if (state != null && --state.inFlight == 0 && open.containsKey(connection)) {
        state.idleTimer = vertx.setTimer(idleTimeoutMs, fired -> connection.close());
      }
    });
    ctx.next();
  }

  /** Closes every connection with no request in flight; the others close after their answer. */
  void closeIdle() {
    List.copyOf(open.entrySet()).stream()
        .filter(entry -> entry.getValue().inFlight == 0)
        .forEach(entry -> entry.getKey().close());
  }
}
