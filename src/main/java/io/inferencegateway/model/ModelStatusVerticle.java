package io.inferencegateway.model;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one model's status probes on an event loop. Probes never queue behind inference work on
 * the worker instances, so a busy model still answers at once, while a stuck one is reported by
 * the runtime it observes.
 */
public final class ModelStatusVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ModelStatusVerticle.class);

  private final ModelRuntime runtime;

  public ModelStatusVerticle(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus()
        .consumer(ModelAddresses.status(runtime.config().name()),
            message -> message.reply(runtime.status()))
        .completion();
  }

  @Override
  public Future<?> stop() {
    LOG.info("Model {} version {} is no longer served", runtime.config().name(),
        runtime.config().version());
    return Future.succeededFuture();
  }
}
