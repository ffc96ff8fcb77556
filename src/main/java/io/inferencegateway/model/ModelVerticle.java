package io.inferencegateway.model;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * A worker instance of one model: loads the model (once, whichever instance comes first), then
 * runs the work its {@link ModelScheduler} hands out, on a thread of the model's worker pool. All
 * instances share the model's {@link ModelRuntime} and so its sessions.
 */
public final class ModelVerticle extends VerticleBase implements ModelScheduler.Worker {

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
        scheduler.serveBatch(work);
      }
    }
  }
}
