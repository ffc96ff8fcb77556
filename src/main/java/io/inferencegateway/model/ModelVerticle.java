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

  private void onInfer(Message<InferRequest> message) {
    InferRequest request = message.body();
    answer(message, request.deadlineMillis(), () -> runtime.infer(request));
  }

  private void onPredict(Message<PredictRequest> message) {
    PredictRequest request = message.body();
    answer(message, request.deadlineMillis(), () -> runtime.predict(request));
  }

  private void answer(Message<?> message, long deadlineMillis, Supplier<?> work) {
    if (System.currentTimeMillis() > deadlineMillis) {
      // The caller has given up already; running the request would only delay the next one.
      message.fail(InferenceException.TIMEOUT, "the request expired while queued");
      return;
    }
    try {
      message.reply(work.get());
    } catch (InferenceException e) {
      message.fail(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Model {} failed a request", runtime.config().name(), e);
      message.fail(InferenceException.INTERNAL, "inference failed: " + e);
    }
  }
}
