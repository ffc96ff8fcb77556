package io.inferencegateway.model;

/** Where a model is in its life, as health and metadata report it. */
public enum ModelState {
  LOADING,
  READY,
  FAILED,
  /** An inference has run longer than the configured limit. */
  STUCK,
  /** The model did not answer its probe in time; assigned by the prober, never by the model. */
  UNRESPONSIVE
}
