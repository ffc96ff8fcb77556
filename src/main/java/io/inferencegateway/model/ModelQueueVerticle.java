package io.inferencegateway.model;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Takes one model's requests off its event-bus addresses, on an event loop, into the model's
 * {@link ModelScheduler}: accepting or refusing a request costs no worker thread.
 */
public final class ModelQueueVerticle extends VerticleBase {

  private final String model;
  private final ModelScheduler scheduler;

  public ModelQueueVerticle(String model, ModelScheduler scheduler) {
    this.model = model;
    this.scheduler = scheduler;
  }

  @Override
  public Future<?> start() {
    return Future.join(
        vertx.eventBus().<InferRequest>consumer(ModelAddresses.infer(model), scheduler::submit)
            .completion(),
        vertx.eventBus().<PredictRequest>consumer(ModelAddresses.predict(model), scheduler::submit)
            .completion());
  }
}
