package io.inferencegateway.http;

import io.inferencegateway.metrics.HttpMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: takes the {@code X-Request-Id} header or makes one, echoes
 * it, and notes the arrival time. When the answer has gone, it counts the request in the HTTP
 * meters and, when enabled, writes one access-log line.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final CharSequence REQUEST_ID_HEADER = HttpHeaders.createOptimized("X-Request-Id");

  private static final Logger LOG = LoggerFactory.getLogger("access");
  private static final String REQUEST_ID = "requestId";
  private static final String ARRIVAL = "arrivalNanos";
  private static final int MAX_ID_LENGTH = 128;

  private final boolean enabled;
  private final HttpMetrics meters;

  /** Lines are written only when {@code enabled}: each costs several microseconds of CPU. */
  AccessLog(boolean enabled, HttpMetrics meters) {
    this.enabled = enabled;
    this.meters = meters;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long arrival = System.nanoTime();
    String id = requestIdFrom(ctx.request().getHeader(REQUEST_ID_HEADER));
    ctx.put(REQUEST_ID, id).put(ARRIVAL, arrival);
    ctx.response().putHeader(REQUEST_ID_HEADER, id);
    ctx.addEndHandler(done -> {
      if (done.failed()) {
        // The connection closed before the answer went: nothing was answered.
        return;
      }
      long nanos = System.nanoTime() - arrival;
      String route = route(ctx);
      int status = ctx.response().getStatusCode();
      meters.answered(route == null ? "" : route, ctx.request().method(), status, nanos);
      if (enabled) {
        LOG.info("{} {} model={} status={} duration_us={} request_id={}", ctx.request().method(),
            route == null ? "-" : route, modelOf(ctx), status, nanos / 1000, id);
      }
    });
    ctx.next();
  }

  static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  static long arrivalNanos(RoutingContext ctx) {
    return ctx.get(ARRIVAL);
  }

  /** A client's id is kept when it is printable and short; anything else is replaced. */
  private static String requestIdFrom(String header) {
    if (header != null && !header.isEmpty() && header.length() <= MAX_ID_LENGTH
        && header.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return header;
    }
    return randomId();
  }

  /**
   * A version-4 UUID from the event loop's own random generator: unique enough to follow one
   * request, without drawing on {@code SecureRandom} for every request as
   * {@link UUID#randomUUID()} does.
   */
  private static String randomId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & ~(0xC0L << 56)) | (0x80L << 56);
    return new UUID(high, low).toString();
  }

  /** The template of the route that answered; null when no route matched. */
  private static String route(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    return route == null ? null : route.getName();
  }

  private static String modelOf(RoutingContext ctx) {
    String model = ctx.pathParam("name");
    return model == null ? "-" : model;
  }
}
