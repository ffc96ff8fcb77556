package io.inferencegateway.health;

import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Asks a model's status verticle how it is. A model that does not answer in time is reported as
 * {@code UNRESPONSIVE}, so callers always get a status and never a failure.
 */
public final class ModelProbe {

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final long timeoutMs;

  public ModelProbe(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<ModelStatus> status(ServedModel model) {
    return vertx.eventBus()
        .<ModelStatus>request(model.statusAddress(), null, options)
        .map(reply -> reply.body())
        .recover(failure -> Future.succeededFuture(ModelStatus.unresponsive(model.version(),
            "no answer to the health probe within " + timeoutMs + " ms ("
                + failure.getMessage() + ")")));
  }
}
