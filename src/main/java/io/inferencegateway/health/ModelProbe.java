package io.inferencegateway.health;

import io.inferencegateway.model.ModelAddresses;
import io.inferencegateway.model.ModelRuntime.State;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Asks a model's status verticle how it is. A model that does not answer in time is reported as
 * {@code UNRESPONSIVE}, so callers always get a status and never a failure.
 */
public final class ModelProbe {

  public static final String UNRESPONSIVE = "UNRESPONSIVE";

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final long timeoutMs;

  public ModelProbe(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<JsonObject> status(String model) {
    return vertx.eventBus()
        .<JsonObject>request(ModelAddresses.status(model), null, options)
        .map(reply -> reply.body())
        .recover(failure -> Future.succeededFuture(new JsonObject()
            .put("state", UNRESPONSIVE)
            .put("error", "no answer to the health probe within " + timeoutMs + " ms ("
                + failure.getMessage() + ")")));
  }

  /** Ready to serve inference: loaded, answering, not stuck. */
  public static boolean isReady(JsonObject status) {
    return State.READY.name().equals(status.getString("state"));
  }

  /** Alive: answering and not stuck. A model that failed to load is alive but not ready. */
  public static boolean isLive(JsonObject status) {
    String state = status.getString("state");
    return !UNRESPONSIVE.equals(state) && !State.STUCK.name().equals(state);
  }
}
