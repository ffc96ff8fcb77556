package io.inferencegateway.metrics;

import java.util.Locale;

/** How an inference request ended, as the {@code outcome} label of the request counter. */
public enum Outcome {
  SUCCESS,
  CLIENT_ERROR,
  TIMEOUT,
  OVERLOAD,
  CANCELLED,
  FAILURE;

  /** The label value, in Prometheus' lower-case style. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
