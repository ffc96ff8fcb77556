package io.inferencegateway.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets whoever waits for a request say that nobody wants its answer any more: its client has gone,
 * or its deadline has passed. The model's scheduler then drops the work if it has not started.
 * Crosses the event bus inside the request, by reference; to another node, a cancellation message
 * names the request by the id in its {@link Replica#CANCEL_ID} header.
 */
public final class Cancellation {

  private volatile boolean cancelled;
  private List<Runnable> listeners;

  /** Marks the request cancelled and tells the listeners, once. */
  public void cancel() {
    List<Runnable> told;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      told = listeners;
    }
    if (told != null) {
      told.forEach(Runnable::run);
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Runs {@code listener} on cancellation, at once if that has happened already: the model's
   * scheduler, and on a gateway node the message that tells a worker.
   */
  public void onCancel(Runnable listener) {
    synchronized (this) {
      if (!cancelled) {
        if (listeners == null) {
          listeners = new ArrayList<>(2);
        }
        listeners.add(listener);
        return;
      }
    }
    listener.run();
  }
}
