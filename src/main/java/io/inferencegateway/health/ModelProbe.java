package io.inferencegateway.health;

import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.Replica;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Asks the status verticles of a model version's replicas how they are. A replica that does not
 * answer in time is reported as {@code UNRESPONSIVE}, so callers always get a status and never a
 * failure.
 */
public final class ModelProbe {

  /** One replica's answer. */
  public record ReplicaStatus(Replica replica, ModelStatus status) {
  }

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final long timeoutMs;

  /**
   * {@code vertx}: the instance whose event bus reaches the replicas. A replica gets a little
   * less than the health procedure's {@code timeoutMs}, so that the procedure reports which
   * replica was silent instead of timing out itself.
   */
  public ModelProbe(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = Math.max(1, timeoutMs - Math.min(200, timeoutMs / 5));
    this.options = new DeliveryOptions().setSendTimeout(this.timeoutMs);
  }

  /** The version's status: a ready replica's when there is one. */
  public Future<ModelStatus> status(ServedModel model) {
    List<Replica> replicas = model.replicas();
    if (replicas.size() == 1) {
      return status(model, replicas.get(0));
    }
    return replicas(model).map(all -> best(model, all));
  }

  /** Every replica's status, in the model's replica order. */
  public Future<List<ReplicaStatus>> replicas(ServedModel model) {
    List<Replica> replicas = model.replicas();
    return Future.all(replicas.stream().map(replica -> status(model, replica)).toList()).map(all -> {
      List<ModelStatus> statuses = all.list();
      return IntStream.range(0, replicas.size())
          .mapToObj(i -> new ReplicaStatus(replicas.get(i), statuses.get(i))).toList();
    });
  }

  private Future<ModelStatus> status(ServedModel model, Replica replica) {
    return vertx.eventBus()
        .<ModelStatus>request(replica.statusAddress(), null, options)
        .map(reply -> reply.body())
        .recover(failure -> Future.succeededFuture(ModelStatus.unresponsive(
            model.version(), "no answer to the health probe within " + timeoutMs + " ms ("
                + failure.getMessage() + ")")));
  }

  /** A ready replica's status, or the first one's; UNRESPONSIVE when there is no replica. */
  static ModelStatus best(ServedModel model, List<ReplicaStatus> all) {
    if (all.isEmpty()) {
      return ModelStatus.unresponsive(model.version(),
          "no worker serving this version is reachable");
    }
    return all.stream().map(ReplicaStatus::status).filter(ModelStatus::isReady).findFirst()
        .orElse(all.get(0).status());
  }
}
