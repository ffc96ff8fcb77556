package io.inferencegateway.metrics;

/** How an inference request ended, as the {@code outcome} label of the request counter. */
public enum Outcome {
  SUCCESS,
  CLIENT_ERROR,
  TIMEOUT,
  OVERLOAD,
  FAILURE;

  /** The label value, in Prometheus' lower-case style. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
