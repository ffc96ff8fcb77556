package io.inferencegateway.config;

/**
 * Health probing: how long a model may take to answer its probe, and how long one inference may
 * run before the model counts as stuck.
 */
public record HealthConfig(long timeoutMs, long stuckAfterMs) {
}
