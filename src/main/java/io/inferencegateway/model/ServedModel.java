package io.inferencegateway.model;

import io.inferencegateway.config.ModelConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One version of a model as the HTTP front reaches it, and the requests it has admitted for it
 * and not yet answered, which an unload waits for. Either a deployment of this process, with its
 * runtime and the key its event-bus addresses and queue places are named by (unique for each
 * deployment, so a new version can load beside the one serving); or, on a gateway node of a
 * cluster, the version's replicas on the workers, which requests take in turn.
 */
public final class ServedModel {

  private final ModelConfig config;
  private final String key;
  private final ModelRuntime runtime;
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile List<Replica> replicas;
  private volatile ModelScheduler scheduler;

  ServedModel(ModelConfig config, String key, ModelRuntime runtime, String node) {
    this.config = config;
    this.key = key;
    this.runtime = runtime;
    this.replicas = List.of(new Replica(node, key, null));
  }

  private ServedModel(ModelConfig config, List<Replica> replicas) {
    this.config = config;
    this.key = config.name() + "." + config.version();
    this.runtime = null;
    this.replicas = List.copyOf(replicas);
  }

  /** A version served by other nodes, reached through {@code replicas}. */
  public static ServedModel remote(ModelConfig config, List<Replica> replicas) {
    return new ServedModel(config, replicas);
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

  /** The runtime of a deployment of this process; null for a version other nodes serve. */
  public ModelRuntime runtime() {
    return runtime;
  }

  /**
   * The deployment's scheduler while its queue verticle takes requests, for callers in this
   * process to hand requests to; null before and after, and for a version other nodes serve.
   */
  public ModelScheduler scheduler() {
    return scheduler;
  }

  void scheduler(ModelScheduler now) {
    scheduler = now;
  }

  public String inferAddress() {
    return Replica.inferAddress(key);
  }

  public String predictAddress() {
    return Replica.predictAddress(key);
  }

  public String statusAddress() {
    return Replica.statusAddress(key);
  }

  public String cancelAddress() {
    return Replica.cancelAddress(key);
  }

  /** Whether requests may come from other nodes of a cluster. */
  public boolean inCluster() {
    return replicas.isEmpty() || replicas.get(0).node() != null;
  }

  /** Where the version runs now: one replica for a deployment of this process. */
  public List<Replica> replicas() {
    return replicas;
  }

  /** Replaces the replicas of a version other nodes serve, as they announce themselves. */
  public void replicas(List<Replica> now) {
    replicas = List.copyOf(now);
  }

  /**
   * The replica the next request goes to: the ready replicas in turn, or any replica when none
   * is ready, which then answers why it cannot serve.
   */
  public Replica route() {
    List<Replica> all = replicas;
    if (all.size() == 1) {
      return all.get(0);
    }
    if (all.isEmpty()) {
      throw new RequestFailure(RequestFailure.Kind.NOT_READY, "model '" + name() + "' version '"
          + version() + "' is not ready: no worker serving it is reachable");
    }
    int start = turn.getAndIncrement();
    for (int i = 0; i < all.size(); i++) {
      Replica replica = all.get(Math.floorMod(start + i, all.size()));
      if (replica.state() == ModelState.READY) {
        return replica;
      }
    }
    return all.get(Math.floorMod(start, all.size()));
  }

  /** Whether the version can serve: loaded here, or ready on some replica. */
  public boolean ready() {
    if (runtime != null) {
      return runtime.state() == ModelState.READY;
    }
    for (Replica replica : replicas) {
      if (replica.state() == ModelState.READY) {
        return true;
      }
    }
    return false;
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
