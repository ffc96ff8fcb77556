package io.inferencegateway.model;

/**
 * Lets whoever waits for a request say that nobody wants its answer any more: its client has gone,
 * or its deadline has passed. The model's scheduler then drops the work if it has not started.
 * Crosses the event bus inside the request, by reference.
 */
public final class Cancellation {

  private volatile boolean cancelled;
  private Runnable onCancel;

  /** Marks the request cancelled and tells the scheduler, once. */
  public void cancel() {
    Runnable listener;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      listener = onCancel;
    }
    if (listener != null) {
      listener.run();
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Runs {@code listener} on cancellation, at once if that has happened already. */
  void onCancel(Runnable listener) {
    synchronized (this) {
      if (!cancelled) {
        onCancel = listener;
        return;
      }
    }
    listener.run();
  }
}
