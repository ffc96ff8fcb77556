package io.inferencegateway.http;

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
 * it, notes the arrival time, and, when enabled, writes one access-log line when the response
 * ends.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final CharSequence REQUEST_ID_HEADER = HttpHeaders.createOptimized("X-Request-Id");

  private static final Logger LOG = LoggerFactory.getLogger("access");
  private static final String REQUEST_ID = "requestId";
  private static final String ARRIVAL = "arrivalNanos";
  private static final int MAX_ID_LENGTH = 128;

  private final boolean enabled;

  /** Lines are written only when {@code enabled}: each costs several microseconds of CPU. */
  AccessLog(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long arrival = System.nanoTime();
    String id = requestIdFrom(ctx.request().getHeader(REQUEST_ID_HEADER));
    ctx.put(REQUEST_ID, id).put(ARRIVAL, arrival);
    ctx.response().putHeader(REQUEST_ID_HEADER, id);
    if (enabled) {
      ctx.addEndHandler(done -> LOG.info("{} {} model={} status={} duration_us={} request_id={}",
          ctx.request().method(), route(ctx), modelOf(ctx), ctx.response().getStatusCode(),
          (System.nanoTime() - arrival) / 1000, id));
    }
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

  private static String route(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    String name = route == null ? null : route.getName();
    return name == null ? "-" : name;
  }

  private static String modelOf(RoutingContext ctx) {
    String model = ctx.pathParam("name");
    return model == null ? "-" : model;
  }
}
