package io.inferencegateway.model;

/**
 * Lets whoever waits for a request say that nobody wants its answer any more: its client has gone,
 * or its deadline has passed. The model's scheduler then drops the work if it has not started.
 * Crosses the event bus inside the request, by reference; to another node, a cancellation message
 * names the request by the id in its {@link Replica#CANCEL_ID} header.
 */
public final class Cancellation {

  private volatile boolean cancelled;
  /** The one listener, or those added so far run in turn; a request has one, rarely two. */
  private Runnable listeners;

  /** Marks the request cancelled and tells the listeners, once. */
  public void cancel() {
    Runnable told;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      told = listeners;
    }
    if (told != null) {
      told.run();
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
        Runnable before = listeners;
        listeners = before == null ? listener : () -> {
          before.run();
          listener.run();
        };
        return;
      }
    }
    listener.run();
  }
}
