package io.inferencegateway.http;

import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.QueueSlots;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * The first step of an inference route, before the body is read: resolves the model the URL
 * names (404 when there is none) and refuses a model whose queue is full (503). Refusing before
 * reading and parsing the body keeps an overloaded gateway cheap to say no; the queue slot itself
 * is taken by the model once the request is whole, so a body still arriving holds none. A platform
 * handler, because Vert.x Web lets only those run ahead of the body handler.
 */
final class Admission implements PlatformHandler {

  private static final String MODEL = "model";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String MULTIPART = "multipart/";

  private final ModelRegistry registry;
  private final QueueSlots slots;
  private final ModelCaller caller;

  Admission(ModelRegistry registry, QueueSlots slots, ModelCaller caller) {
    this.registry = registry;
    this.slots = slots;
    this.caller = caller;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ServedModel model;
    try {
      model = registry.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
    } catch (RequestFailure e) {
      ErrorReplies.send(ctx, e);
      return;
    }
    if (slots.isFull(model)) {
      caller.refuse(ctx, model, new RequestFailure(RequestFailure.Kind.OVERLOADED, "model '"
          + model.name() + "' is overloaded: " + slots.limit()
          + " requests are already waiting; retry later"));
      return;
    }
    ctx.put(MODEL, model);
    // Counted until the answer has gone: an unload of this deployment waits for it.
    model.admit();
    ctx.addEndHandler(ended -> model.answered());
    // Clients such as curl -d label any body a form; inference bodies are JSON or binary
    // tensors, never forms, and the body handler would parse a form's fields with limits of
    // its own.
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && (type.startsWith(FORM) || type.startsWith(MULTIPART))) {
      ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
    }
    ctx.next();
  }

  /** The model admitted for this request. */
  static ServedModel model(RoutingContext ctx) {
    return ctx.get(MODEL);
  }
}
