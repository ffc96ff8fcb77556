package io.inferencegateway.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Counts the requests each model has waiting or running, across all HTTP verticle instances, and
 * refuses new ones past the configured limit so an overloaded model answers 503 at once instead of
 * building an unbounded queue.
 */
public final class QueueLimits {

  private final int limit;
  private final Map<String, AtomicInteger> pending;

  public QueueLimits(List<String> models, int limit) {
    this.limit = limit;
    this.pending = models.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), name -> new AtomicInteger()));
  }

  boolean tryAcquire(String model) {
    AtomicInteger count = pending.get(model);
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  void release(String model) {
    pending.get(model).decrementAndGet();
  }

  int limit() {
    return limit;
  }
}
