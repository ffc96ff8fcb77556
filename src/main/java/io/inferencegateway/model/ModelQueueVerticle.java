package io.inferencegateway.model;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import java.util.function.BooleanSupplier;

/**
 * Takes one model's requests off its event-bus addresses, on an event loop, into the model's
 * {@link ModelScheduler}: accepting or refusing a request costs no worker thread. While it runs,
 * the HTTP front of this process hands requests to the scheduler directly, without the bus.
 */
public final class ModelQueueVerticle extends VerticleBase {

  private final ServedModel model;
  private final ModelScheduler scheduler;

  public ModelQueueVerticle(ServedModel model, ModelScheduler scheduler) {
    this.model = model;
    this.scheduler = scheduler;
  }

  @Override
  public Future<?> start() {
    BooleanSupplier idle = idleLoop();
    return Future.join(
        vertx.eventBus().<InferRequest>consumer(model.inferAddress(),
            message -> scheduler.accept(message, idle.getAsBoolean())).completion(),
        vertx.eventBus().<PredictRequest>consumer(model.predictAddress(),
            message -> scheduler.accept(message, idle.getAsBoolean())).completion(),
        vertx.eventBus().<String>consumer(model.cancelAddress(),
            message -> scheduler.cancel(message.body())).completion())
        .onSuccess(consuming -> model.scheduler(scheduler));
  }

  /**
   * Whether this verticle's event loop has nothing else waiting: the sign that load is light
   * enough to run a short request here instead of handing it to a worker. Under load, messages
   * wait on the loop, and running requests here would leave the workers idle.
   */
  private BooleanSupplier idleLoop() {
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    return loop instanceof SingleThreadEventExecutor executor
        ? () -> executor.pendingTasks() == 0 : () -> false;
  }

  @Override
  public Future<?> stop() {
    // The consumers go with the verticle.
    model.scheduler(null);
    return Future.succeededFuture();
  }
}
