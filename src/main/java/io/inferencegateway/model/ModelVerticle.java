package io.inferencegateway.model;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker verticle serving one model's inference and prediction requests from the event bus.
 * Deployed with the worker threading model, as many instances as configured; all instances share
 * the model's {@link ModelRuntime} and so its sessions.
 */
public final class ModelVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ModelVerticle.class);

  private final ModelRuntime runtime;

  public ModelVerticle(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Future<?> start() {
    // Runs on a worker thread: loading blocks nobody's event loop.
    runtime.load();
    String name = runtime.config().name();
    return Future.join(
        vertx.eventBus().<InferRequest>consumer(ModelAddresses.infer(name), this::onInfer)
            .completion(),
        vertx.eventBus().<PredictRequest>consumer(ModelAddresses.predict(name), this::onPredict)
            .completion());
  }

  @Override
  public Future<?> stop() {
    runtime.release();
    return Future.succeededFuture();
  }

  private void onInfer(Message<InferRequest> message) {
    InferRequest request = message.body();
    answer(message, request.deadlineNanos(), () -> runtime.infer(request));
  }

  private void onPredict(Message<PredictRequest> message) {
    PredictRequest request = message.body();
    answer(message, request.deadlineNanos(), () -> runtime.predict(request));
  }

  private void answer(Message<?> message, long deadlineNanos, Supplier<?> work) {
    if (System.nanoTime() - deadlineNanos > 0) {
      // The caller has given up already; running the request would only delay the next one.
      new RequestFailure(RequestFailure.Kind.TIMED_OUT, "model '" + runtime.config().name()
          + "' could not start the request before its deadline").failReply(message);
      return;
    }
    try {
      message.reply(work.get());
    } catch (RequestFailure e) {
      e.failReply(message);
    } catch (RuntimeException e) {
      LOG.error("Model {} failed a request", runtime.config().name(), e);
      new RequestFailure(RequestFailure.Kind.INTERNAL, "inference failed: " + e)
          .failReply(message);
    }
  }
}
