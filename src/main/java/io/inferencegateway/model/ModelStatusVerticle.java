package io.inferencegateway.model;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Answers one model's status probes on an event loop. Probes never queue behind inference work on
 * the worker instances, so a busy model still answers at once, while a stuck one is reported by
 * the runtime it observes. One is deployed on each plane: for the data port's protocol routes,
 * and for the management port's health procedures.
 */
public final class ModelStatusVerticle extends VerticleBase {

  private final ServedModel model;

  public ModelStatusVerticle(ServedModel model) {
    this.model = model;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus()
        .consumer(model.statusAddress(), message -> message.reply(model.runtime().status()))
        .completion();
  }
}
