package io.inferencegateway.http;

import io.inferencegateway.config.HttpConfig;
import io.inferencegateway.health.Draining;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Deadlines are noted, not timed: one periodic sweep, every tenth of the shortest timeout,
 * acts on those that have passed. A timer set and cancelled twice per request cost about 5 % of
 * the CPU of a small inference; a deadline is acted on up to a tenth of its timeout late.
 */
final class Connections {

  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");

  private final Draining draining;
  private final long headerTimeoutMs;
  private final long bodyTimeoutMs;
  private final long idleTimeoutMs;
  private final Map<HttpConnection, Open> open = new HashMap<>();
  private final AtomicInteger total;
  private final int maxConnections;
  /** Requests in flight on this event loop's connections. */
  private int inFlight;

  /** What a connection owes, as deadlines in {@link System#nanoTime()}'s terms. */
  private static final class Open {
    int inFlight;
    /** When the connection closes unless a request starts; none while requests are in flight. */
    long idleDeadline;
    boolean idle;
    /** The request whose body is arriving, and when it must be whole; null when none. */
    Exchange receiving;
    long bodyDeadline;
    /** Opened beyond {@code maxConnections}. */
    boolean refused;
  }

  /** {@code total} counts the data port's connections on every event loop. */
  Connections(Vertx vertx, HttpConfig config, Draining draining, AtomicInteger total) {
    this.draining = draining;
    this.total = total;
    this.maxConnections = config.maxConnections();
    this.headerTimeoutMs = config.headerTimeoutMs();
    this.bodyTimeoutMs = config.bodyTimeoutMs();
    this.idleTimeoutMs = config.idleTimeoutMs();
    long shortest = Math.min(headerTimeoutMs, Math.min(bodyTimeoutMs, idleTimeoutMs));
    // Set on the verticle's context: undeploying the verticle cancels it.
    vertx.setPeriodic(Math.max(10, Math.min(1000, shortest / 10)), tick -> sweep());
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
        // Its requests' ends, if they come after this, find no state to count down.
        inFlight -= gone.inFlight;
      }
      if (gone != null && !gone.refused && maxConnections > 0) {
        total.decrementAndGet();
      }
    });
    idleFor(state, headerTimeoutMs);
  }

  /**
   * A request has started on its connection. False when the connection is one too many: the
   * request has been answered 503, and the connection closes after it.
   */
  boolean started(Exchange exchange) {
    HttpServerRequest request = exchange.request;
    Open state = open.get(request.connection());
    if (state != null && state.refused) {
      // An overload that a retry on a fresh connection may get past.
      exchange.response.putHeader(HttpHeaders.CONNECTION, CLOSE)
          .putHeader(HttpHeaders.RETRY_AFTER, "1");
      ErrorReplies.send(exchange, 503, "the gateway takes at most " + maxConnections
          + " connections at once; retry later");
      return false;
    }
    if (state != null) {
      state.idle = false;
      state.inFlight++;
      inFlight++;
      if (!request.isEnded()) {
        state.receiving = exchange;
        state.bodyDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs);
      }
    }
    HttpServerResponse response = exchange.response;
    response.headersEndHandler(headers -> {
      if (draining.started()) {
        response.putHeader(HttpHeaders.CONNECTION, CLOSE);
      }
    });
    return true;
  }

  /** The request's answer has gone, or its connection has closed. */
  void ended(Exchange exchange) {
    HttpConnection connection = exchange.request.connection();
    // None when the connection has closed: nothing is owed any more.
    Open state = open.get(connection);
    if (state == null) {
      return;
    }
    if (state.refused) {
      connection.close();
      return;
    }
    if (state.receiving == exchange) {
      state.receiving = null;
    }
    inFlight--;
    if (--state.inFlight == 0) {
      idleFor(state, idleTimeoutMs);
    }
  }

  /** Whether at most one request is in flight on this event loop's connections. */
  boolean alone() {
    return inFlight <= 1;
  }

  private static void idleFor(Open state, long timeoutMs) {
    state.idle = true;
    state.idleDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /**
   * Closes the connections that have sat idle past their deadline, and answers 408 to a request
   * whose body is not whole by its deadline, closing its connection.
   */
  private void sweep() {
    long now = System.nanoTime();
    List<HttpConnection> idle = new ArrayList<>(0);
    List<Exchange> late = new ArrayList<>(0);
    open.forEach((connection, state) -> {
      if (state.idle && now - state.idleDeadline >= 0) {
        idle.add(connection);
      } else if (state.receiving != null && now - state.bodyDeadline >= 0) {
        late.add(state.receiving);
        state.receiving = null;
      }
    });
    idle.forEach(HttpConnection::close);
    late.forEach(this::bodyTooLate);
  }

  private void bodyTooLate(Exchange exchange) {
    if (exchange.request.isEnded() || exchange.response.ended()) {
      return;
    }
    exchange.response.putHeader(HttpHeaders.CONNECTION, CLOSE);
    ErrorReplies.send(exchange, 408, "the request body did not arrive within " + bodyTimeoutMs
        + " ms of its headers");
    exchange.request.connection().close();
  }

  /** Closes every connection with no request in flight; the others close after their answer. */
  void closeIdle() {
    List.copyOf(open.entrySet()).stream()
        .filter(entry -> entry.getValue().inFlight == 0)
        .forEach(entry -> entry.getKey().close());
  }
}
