package io.inferencegateway.model;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker instance of one model: loads the model (once, whichever instance comes first), then
 * runs the work its {@link ModelScheduler} hands out, on a thread of the model's worker pool. All
 * instances share the model's {@link ModelRuntime} and so its sessions.
 */
public final class ModelVerticle extends VerticleBase implements ModelScheduler.Worker {

  private static final Logger LOG = LoggerFactory.getLogger(ModelVerticle.class);

  private final ModelRuntime runtime;
  private final ModelScheduler scheduler;

  public ModelVerticle(ModelRuntime runtime, ModelScheduler scheduler) {
    this.runtime = runtime;
    this.scheduler = scheduler;
  }

  @Override
  public Future<?> start() {
    // Runs on a worker thread: loading blocks nobody's event loop.
    runtime.load();
    scheduler.join(this);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    runtime.release();
    return Future.succeededFuture();
  }

  /** Called from any thread; the work runs on this instance's own context. */
  @Override
  public void wake() {
    Context own = context;
    own.runOnContext(nothing -> drain());
  }

  /** Runs work until the scheduler has none left to start. */
  private void drain() {
    for (List<ModelScheduler.Work> work = scheduler.next(this); work != null;
        work = scheduler.next(this)) {
      if (work.size() == 1) {
        scheduler.serve(work.get(0));
      } else {
        serveBatch(work);
      }
    }
  }

  /** One run for the batch; when it fails, each request runs alone, so only a culprit fails. */
  private void serveBatch(List<ModelScheduler.Work> batch) {
    List<InferResult> results;
    try {
      results = runtime.serveBatch(batch.stream()
          .map(work -> (InferRequest) work.request()).toList());
    } catch (Throwable e) {
      LOG.debug("Model {}: a batch of {} failed, running its requests one by one: {}",
          runtime.config().name(), batch.size(), e.getMessage());
      batch.forEach(scheduler::serve);
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      // The place is free before the answer leaves: the client's next request may follow it.
      scheduler.done(batch.get(i));
      batch.get(i).answer().send(results.get(i));
    }
  }
}
