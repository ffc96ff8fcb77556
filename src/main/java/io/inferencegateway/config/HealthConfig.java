package io.inferencegateway.config;

/**
 * Health probing: how long a model may take to answer its probe, and how long one inference may
 * run before the model counts as stuck.
 */
public record HealthConfig(Long timeoutMs, Long stuckAfterMs) {

  public HealthConfig {
    timeoutMs = Rules.between("timeoutMs", timeoutMs, 2000, 1, 600_000);
    stuckAfterMs = Rules.between("stuckAfterMs", stuckAfterMs, 30_000, 1, 86_400_000);
  }
}
