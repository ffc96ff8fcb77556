package io.inferencegateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The data port's request meters, by route template (never the raw path), method and status code:
 * requests and their response times. They take the place of Vert.x's HTTP server metrics, which
 * built and looked up five meters for every request, about a sixth of the CPU of a small
 * inference; here each event loop looks a meter up in the registry once and keeps it. One per
 * HTTP verticle instance, used on its event loop only.
 */
public final class HttpMetrics {

  static final String REQUESTS = "gateway.http.requests";
  static final String DURATION = "gateway.http.request.duration";
  private static final int FIRST_STATUS = 100;
  private static final int STATUSES = 500;

  /** One route template and method's meters, by status code. */
  private record Meters(Counter[] requests, Timer[] durations) {
  }

  private final MeterRegistry registry;
  private final Map<String, Map<HttpMethod, Meters>> byRoute = new HashMap<>();

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** An answered request: its route template ("" when no route matched), method and status. */
  public void answered(String route, HttpMethod method, int status, long nanos) {
    int index = status - FIRST_STATUS;
    if (index < 0 || index >= STATUSES) {
      return;
    }
    Meters meters = byRoute.computeIfAbsent(route, any -> new HashMap<>())
        .computeIfAbsent(method, any -> new Meters(new Counter[STATUSES], new Timer[STATUSES]));
    Counter requests = meters.requests()[index];
    if (requests == null) {
      String code = Integer.toString(status);
      requests = Counter.builder(REQUESTS)
          .description("Requests answered on the data port")
          .tags("route", route, "method", method.name(), "code", code)
          .register(registry);
      meters.requests()[index] = requests;
      meters.durations()[index] = Timer.builder(DURATION)
          .description("Time from a request's headers to the end of its answer")
          .tags("route", route, "method", method.name(), "code", code)
          .register(registry);
    }
    requests.increment();
    meters.durations()[index].record(nanos, TimeUnit.NANOSECONDS);
  }
}
