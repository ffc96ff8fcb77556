package io.inferencegateway.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests each model holds, waiting or running, against the configured limit. A model's
 * scheduler takes a slot when it accepts a request and gives it back once the work has run or has
 * been dropped; the HTTP front reads the count to refuse a full model before reading a body.
 */
public final class QueueSlots {

  private final int limit;
  private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

  public QueueSlots(int limit) {
    this.limit = limit;
  }

  /** Whether a request to the deployment would be refused now. */
  public boolean isFull(ServedModel model) {
    return count(model.key()).get() >= limit;
  }

  public int limit() {
    return limit;
  }

  boolean tryAcquire(String key) {
    AtomicInteger count = count(key);
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  void release(String key) {
    count(key).decrementAndGet();
  }

  /** The requests the deployment holds, waiting or running. */
  public int held(String key) {
    AtomicInteger count = this.held.get(key);
    return count == null ? 0 : count.get();
  }

  /** The requests held by every deployment: 0 when nothing waits or runs. */
  public int held() {
    int held = 0;
    for (AtomicInteger count : this.held.values()) {
      held += count.get();
    }
    return held;
  }

  /** Forgets a deployment that has stopped. */
  public void remove(String key) {
    held.remove(key);
  }

  private AtomicInteger count(String key) {
    return held.computeIfAbsent(key, any -> new AtomicInteger());
  }
}
