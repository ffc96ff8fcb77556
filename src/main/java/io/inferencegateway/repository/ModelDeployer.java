package io.inferencegateway.repository;

import io.inferencegateway.model.ModelQueueVerticle;
import io.inferencegateway.model.ModelScheduler;
import io.inferencegateway.model.ModelStatusVerticle;
import io.inferencegateway.model.ModelVerticle;
import io.inferencegateway.model.QueueSlots;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Deploys one model deployment's verticles and takes them down again: a status verticle on each
 * plane, the queue verticle on an event loop, and the worker instances, which load the model.
 */
final class ModelDeployer {

  /** The verticles of one deployment, by deployment id. */
  record Deployment(ServedModel model, List<String> data, String control) {
  }

  private final Vertx vertx;
  private final Vertx control;
  private final QueueSlots slots;

  ModelDeployer(Vertx vertx, Vertx control, QueueSlots slots) {
    this.vertx = vertx;
    this.control = control;
    this.slots = slots;
  }

  /**
   * The status verticles first, so probes see the model LOADING; the future completes once the
   * workers have loaded it, or failed to.
   */
  Future<Deployment> deploy(ServedModel model) {
    ModelScheduler scheduler = new ModelScheduler(vertx, model, slots);
    Future<String> probes = control.deployVerticle(new ModelStatusVerticle(model));
    Future<String> status = vertx.deployVerticle(new ModelStatusVerticle(model));
    Future<String> queue = status
        .compose(id -> vertx.deployVerticle(new ModelQueueVerticle(model, scheduler)));
    Future<String> workers = queue.compose(id -> vertx.deployVerticle(
        () -> new ModelVerticle(model.runtime(), scheduler),
        new DeploymentOptions()
            .setThreadingModel(ThreadingModel.WORKER)
            .setInstances(model.config().instances())
            // A pool of its own: one thread per instance, whatever the other models do.
            .setWorkerPoolName("model-" + model.key())
            .setWorkerPoolSize(model.config().instances())));
    return Future.all(probes, workers).map(all -> new Deployment(model,
        List.of(workers.result(), queue.result(), status.result()), probes.result()));
  }

  /** Stops the workers (closing the sessions), then the queue and status verticles. */
  Future<Void> undeploy(Deployment deployment) {
    Future<Void> data = Future.succeededFuture();
    for (String id : deployment.data()) {
      data = data.compose(done -> vertx.undeploy(id));
    }
    return Future.join(data, control.undeploy(deployment.control()))
        .<Void>mapEmpty()
        .onComplete(done -> slots.remove(deployment.model().key()));
  }
}
