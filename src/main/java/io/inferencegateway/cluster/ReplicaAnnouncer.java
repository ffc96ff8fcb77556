package io.inferencegateway.cluster;

import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A worker's side of model discovery: publishes the model versions this node serves, with each
 * deployment's key and state, to every gateway node. It announces every second, whenever a
 * gateway node asks (one that has just started), and once more as it leaves, with nothing, so
 * that gateways stop sending it work before it stops.
 */
public final class ReplicaAnnouncer extends VerticleBase {

  /** Where workers publish what they serve. */
  public static final String REPLICAS = "cluster.replicas";
  /** Where a gateway node asks every worker to announce at once. */
  public static final String ASK = "cluster.replicas.ask";
  /** How often a worker announces what it serves. */
  public static final long PERIOD_MS = 1000;

  private final ModelRegistry registry;
  private final String node;
  private boolean leaving;

  public ReplicaAnnouncer(ModelRegistry registry, String node) {
    this.registry = registry;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(PERIOD_MS, tick -> announce());
    announce();
    return vertx.eventBus().consumer(ASK, asked -> announce()).completion();
  }

  /** From now on this node announces that it serves nothing, and gets no new work. */
  public void leave() {
    context.runOnContext(now -> {
      leaving = true;
      announce();
    });
  }

  private void announce() {
    JsonArray models = new JsonArray();
    if (!leaving) {
      for (ServedModel model : registry.all()) {
        models.add(new JsonObject()
            .put("key", model.key())
            .put("state", model.runtime().state().name())
            .put("config", ConfigReader.json(model.config())));
      }
    }
    vertx.eventBus().publish(REPLICAS, new JsonObject()
        .put("node", node)
        .put("leaving", leaving)
        .put("models", models));
  }
}
