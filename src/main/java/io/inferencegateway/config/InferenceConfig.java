package io.inferencegateway.config;

/**
 * Limits on inference traffic: the deadline of one request from its arrival, and how many
 * requests may wait for one model before the gateway sheds load with 503.
 */
public record InferenceConfig(Long timeoutMs, Integer maxQueue) {

  public InferenceConfig {
    timeoutMs = Rules.between("timeoutMs", timeoutMs, 10_000, 1, 3_600_000);
    maxQueue = Rules.between("maxQueue", maxQueue, 64, 1, 1_000_000);
  }
}
