package io.inferencegateway.model;

import io.inferencegateway.config.ModelConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One deployment of one version of a model: its configuration, its runtime, the key its
 * event-bus addresses and queue places are named by (unique for each deployment, so a new
 * version can load beside the one serving), and the requests the HTTP front has admitted for it
 * and not yet answered, which an unload waits for.
 */
public final class ServedModel {

  private final ModelConfig config;
  private final String key;
  private final ModelRuntime runtime;
  private final AtomicInteger admitted = new AtomicInteger();

  ServedModel(ModelConfig config, String key, ModelRuntime runtime) {
    this.config = config;
    this.key = key;
    this.runtime = runtime;
  }

  public ModelConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public String version() {
    return config.version();
  }

  public String key() {
    return key;
  }

  public ModelRuntime runtime() {
    return runtime;
  }

  public String inferAddress() {
    return "models." + key + ".infer";
  }

  public String predictAddress() {
    return "models." + key + ".predict";
  }

  /** Status probes, answered on an event loop so they never wait behind inference work. */
  public String statusAddress() {
    return "models." + key + ".status";
  }

  /** The HTTP front admitted a request for this deployment. */
  public void admit() {
    admitted.incrementAndGet();
  }

  /** An admitted request has been answered, refused, or its client has gone. */
  public void answered() {
    admitted.decrementAndGet();
  }

  /** Requests admitted and not yet answered. */
  public int inFlight() {
    return admitted.get();
  }

  @Override
  public String toString() {
    return "model " + config.name() + " version " + config.version();
  }
}
