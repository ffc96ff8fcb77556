package io.inferencegateway.config;

import java.util.Locale;

/**
 * What one process does in a deployment: everything alone, or its part of a cluster joined over
 * the clustered event bus.
 */
public enum ClusterRole {
  /** One process serves HTTP and runs the models; no cluster manager is loaded. */
  STANDALONE,
  /** Serves HTTP and routes to the models' replicas on the workers; loads no model. */
  GATEWAY,
  /** Loads models and serves their event-bus addresses; only its management port listens. */
  WORKER,
  /** A gateway and a worker in one process, routing to its own replicas and the others'. */
  BOTH;

  /** Whether this process loads and runs models. */
  public boolean runsModels() {
    return this != GATEWAY;
  }

  /** Whether this process serves the data port. */
  public boolean servesHttp() {
    return this != WORKER;
  }

  /** Whether this process joins a cluster. */
  public boolean clustered() {
    return this != STANDALONE;
  }

  /** The name as the configuration writes it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
