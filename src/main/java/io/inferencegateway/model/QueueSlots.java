package io.inferencegateway.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How many requests each model holds, waiting or running, against the configured limit. A model's
 * scheduler takes a slot when it accepts a request and gives it back once the work has run or has
 * been dropped; the HTTP front reads the count to refuse a full model before reading a body.
 */
public final class QueueSlots {

  private final int limit;
  private final Map<String, AtomicInteger> held;

  public QueueSlots(List<String> models, int limit) {
    this.limit = limit;
    this.held = models.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), name -> new AtomicInteger()));
  }

  /** Whether a request to the model would be refused now. */
  public boolean isFull(String model) {
    return held.get(model).get() >= limit;
  }

  public int limit() {
    return limit;
  }

  boolean tryAcquire(String model) {
    AtomicInteger count = held.get(model);
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  void release(String model) {
    held.get(model).decrementAndGet();
  }
}
