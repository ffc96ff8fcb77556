package io.inferencegateway.http;

import io.inferencegateway.metrics.HttpMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names each request, from its {@code X-Request-Id} header or with a new id, and, once its answer
 * has gone, counts it in the HTTP meters and, when enabled, writes one access-log line.
 */
final class AccessLog {

  static final CharSequence REQUEST_ID_HEADER = HttpHeaders.createOptimized("X-Request-Id");

  private static final Logger LOG = LoggerFactory.getLogger("access");
  private static final int MAX_ID_LENGTH = 128;

  private final boolean enabled;
  private final HttpMetrics meters;

  /** Lines are written only when {@code enabled}: each costs several microseconds of CPU. */
  AccessLog(boolean enabled, HttpMetrics meters) {
    this.enabled = enabled;
    this.meters = meters;
  }

  /** The request's answer has gone. */
  void answered(Exchange exchange) {
    long nanos = System.nanoTime() - exchange.arrivalNanos;
    String route = exchange.route();
    int status = exchange.response.getStatusCode();
    meters.answered(route == null ? "" : route, exchange.request.method(), status, nanos);
    if (enabled) {
      String model = exchange.modelName();
      LOG.info("{} {} model={} status={} duration_us={} request_id={}",
          exchange.request.method(), route == null ? "-" : route, model == null ? "-" : model,
          status, nanos / 1000, exchange.id);
    }
  }

  /** A client's id is kept when it is printable and short; anything else is replaced. */
  static String requestId(HttpServerRequest request) {
    String header = request.getHeader(REQUEST_ID_HEADER);
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
}
