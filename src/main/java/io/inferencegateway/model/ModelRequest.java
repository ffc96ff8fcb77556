package io.inferencegateway.model;

/** What a model's scheduler needs of any request it queues. */
public sealed interface ModelRequest permits InferRequest, PredictRequest {

  /** The HTTP request's id, which logs of its failures carry. */
  String requestId();

  /** When the request arrived at the gateway, in {@link System#nanoTime()} terms. */
  long arrivalNanos();

  /** When nobody waits for the answer any more, in {@link System#nanoTime()} terms. */
  long deadlineNanos();

  /** How the waiting side says it no longer wants the answer. */
  Cancellation cancellation();
}
