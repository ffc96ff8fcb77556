package io.inferencegateway.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The harness's own tally of every answer, per phase and per phase and request kind: HTTP statuses
 * and a millisecond histogram of response times. Printed at the end of each simulation, so a run's
 * console output names how many 200s and 503s each phase got and its percentiles, next to Gatling's
 * global figures and assertion results (which stay the verdict).
 */
final class Outcomes {

  /** Response times from 0 to 60 s, one bucket per millisecond; longer ones land in the last. */
  private static final int MAX_MS = 60_000;

  private final Map<String, Map<Integer, LongAdder>> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicLongArray> times = new ConcurrentHashMap<>();

  /** One answer: {@code status} -1 when there was none (connection error or timeout). */
  void record(String key, int status, int responseTimeMs) {
    statuses.computeIfAbsent(key, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(status, s -> new LongAdder()).increment();
    if (responseTimeMs >= 0) {
      times.computeIfAbsent(key, k -> new AtomicLongArray(MAX_MS + 1))
          .incrementAndGet(Math.min(responseTimeMs, MAX_MS));
    }
  }

  long count(String key, int status) {
    Map<Integer, LongAdder> counts = statuses.get(key);
    LongAdder adder = counts == null ? null : counts.get(status);
    return adder == null ? 0 : adder.sum();
  }

  /**
   * One line per key, e.g. {@code ramp: 200=51234 503=812 | p50=3 p95=40 p99=120 max=870 ms};
   * {@code none} counts requests without an HTTP answer.
   */
  String summary() {
    StringBuilder text = new StringBuilder(
        "Answers by phase and request (harness tally; response times of answered requests):");
    new TreeMap<>(statuses).forEach((key, counts) -> {
      text.append("\n  ").append(key).append(':');
      new TreeMap<>(counts).forEach((status, count) -> text.append(' ')
          .append(status < 0 ? "none" : status.toString()).append('=').append(count.sum()));
      AtomicLongArray histogram = times.get(key);
      if (histogram != null) {
        text.append(" | p50=").append(percentile(histogram, 50))
            .append(" p95=").append(percentile(histogram, 95))
            .append(" p99=").append(percentile(histogram, 99))
            .append(" max=").append(percentile(histogram, 100)).append(" ms");
      }
    });
    return text.toString();
  }

  private static int percentile(AtomicLongArray histogram, double percentile) {
    long total = 0;
    for (int i = 0; i < histogram.length(); i++) {
      total += histogram.get(i);
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < histogram.length(); i++) {
      seen += histogram.get(i);
      if (seen >= rank) {
        return i;
      }
    }
    return MAX_MS;
  }
}
