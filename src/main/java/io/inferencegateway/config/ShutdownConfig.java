package io.inferencegateway.config;

/**
 * Stopping: how long the data port keeps serving after readiness turns 503 (time for load
 * balancers to notice), then how long requests in flight may take to finish. The default grace
 * stays below the 10 s that {@code docker stop} and Kubernetes give before SIGKILL.
 */
public record ShutdownConfig(Long drainDelayMs, Long graceMs) {

  public ShutdownConfig {
    drainDelayMs = Rules.between("drainDelayMs", drainDelayMs, 0, 0, 600_000);
    graceMs = Rules.between("graceMs", graceMs, 8_000, 0, 600_000);
  }
}
