package io.inferencegateway.http;

import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.model.RequestFailure;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * The first step of an inference route, before the body is read: resolves the model the URL
 * names (404 when there is none) and takes a place in its queue (503 when it is full). Refusing
 * before reading and parsing the body keeps an overloaded gateway cheap to say no. A platform
 * handler, because Vert.x Web lets only those run ahead of the body handler.
 */
final class Admission implements PlatformHandler {

  private static final String MODEL = "model";

  private final ModelCatalog catalog;
  private final QueueLimits limits;
  private final ModelCaller caller;

  Admission(ModelCatalog catalog, QueueLimits limits, ModelCaller caller) {
    this.catalog = catalog;
    this.limits = limits;
    this.caller = caller;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ModelConfig model;
    try {
      model = catalog.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
    } catch (RequestFailure e) {
      ErrorReplies.send(ctx, e);
      return;
    }
    if (!limits.tryAcquire(model.name())) {
      caller.refuse(ctx, model, new RequestFailure(RequestFailure.Kind.OVERLOADED, "model '"
          + model.name() + "' is overloaded: " + limits.limit()
          + " requests are already waiting; retry later"));
      return;
    }
    // Called once the response is sent or the connection is gone, whichever comes first.
    ctx.addEndHandler(done -> limits.release(model.name()));
    ctx.put(MODEL, model);
    ctx.next();
  }

  /** The model admitted for this request. */
  static ModelConfig model(RoutingContext ctx) {
    return ctx.get(MODEL);
  }
}
