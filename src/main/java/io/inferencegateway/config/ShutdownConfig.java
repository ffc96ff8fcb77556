package io.inferencegateway.config;

/**
 * Stopping: how long requests in flight may take to finish once the gateway stops accepting. The
 * default stays below the 10 s that {@code docker stop} and Kubernetes give before SIGKILL.
 */
public record ShutdownConfig(Long graceMs) {

  public ShutdownConfig {
    graceMs = Rules.between("graceMs", graceMs, 8_000, 0, 600_000);
  }
}
