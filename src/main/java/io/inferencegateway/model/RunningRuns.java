package io.inferencegateway.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The runs of one model in progress, for the stuck check: each thread that runs the model notes
 * the start of its run in a slot of its own and clears it at the end. No map or counter is shared
 * between the event loops and workers that run a model at once, so a run's bookkeeping costs no
 * contended write.
 */
final class RunningRuns {

  private static final long IDLE = Long.MIN_VALUE;

  /** One thread's run: when it started, or {@link #IDLE}. */
  static final class Slot {
    private volatile long since = IDLE;

    void ended() {
      since = IDLE;
    }
  }

  private final List<Slot> slots = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Slot> own = ThreadLocal.withInitial(() -> {
    Slot slot = new Slot();
    slots.add(slot);
    return slot;
  });

  /** This thread starts a run at {@code nanos}; end it on the slot returned. */
  Slot started(long nanos) {
    Slot slot = own.get();
    slot.since = nanos;
    return slot;
  }

  int count() {
    int running = 0;
    for (Slot slot : slots) {
      if (slot.since != IDLE) {
        running++;
      }
    }
    return running;
  }

  /** How long the longest run in progress has run, in nanoseconds; 0 when none is. */
  long longestNanos(long now) {
    long longest = 0;
    for (Slot slot : slots) {
      long since = slot.since;
      if (since != IDLE) {
        longest = Math.max(longest, now - since);
      }
    }
    return longest;
  }
}
