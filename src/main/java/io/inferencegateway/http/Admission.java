package io.inferencegateway.http;

import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.QueueSlots;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

/**
 * The first steps of an inference request: only POST (405 otherwise), the model the URL names
 * (404 when there is none), a refusal when its queue is full (503), then the body, read within
 * its limit and inflated when compressed. Refusing before reading and parsing the body keeps an
 * overloaded gateway cheap to say no; the queue slot itself is taken by the model once the request
 * is whole, so a body still arriving holds none.
 */
final class Admission {

  private final ModelRegistry registry;
  private final QueueSlots slots;
  private final ModelCaller caller;
  private final ContentDecoding decoding;
  private final long maxBodyBytes;
  private final OipRoutes oip;
  private final PredictRoutes predict;

  Admission(ModelRegistry registry, QueueSlots slots, ModelCaller caller,
      ContentDecoding decoding, long maxBodyBytes, OipRoutes oip, PredictRoutes predict) {
    this.registry = registry;
    this.slots = slots;
    this.caller = caller;
    this.decoding = decoding;
    this.maxBodyBytes = maxBodyBytes;
    this.oip = oip;
    this.predict = predict;
  }

  void handle(Exchange exchange) {
    InferencePath path = exchange.path;
    if (exchange.request.method() != HttpMethod.POST) {
      exchange.response.putHeader(HttpHeaders.ALLOW, "POST");
      ErrorReplies.send(exchange, 405, "method " + exchange.request.method()
          + " is not allowed on " + exchange.request.path());
      return;
    }
    ServedModel model;
    try {
      model = registry.resolve(path.name(), path.version());
    } catch (RequestFailure e) {
      ErrorReplies.send(exchange, e);
      return;
    }
    if (slots.isFull(model)) {
      caller.refuse(exchange, model, new RequestFailure(RequestFailure.Kind.OVERLOADED, "model '"
          + model.name() + "' is overloaded: " + slots.limit()
          + " requests are already waiting; retry later"));
      return;
    }
    // Counted until the answer has gone: an unload of this deployment waits for it.
    exchange.model = model;
    model.admit();
    RequestBody.read(exchange.request, maxBodyBytes, (body, failure) -> {
      try {
        read(exchange, model, body, failure);
      } catch (RuntimeException e) {
        ErrorReplies.unforeseen(exchange, e);
      }
    });
  }

  private void read(Exchange exchange, ServedModel model, Buffer body, RequestFailure failure) {
    Buffer decoded;
    try {
      if (failure != null) {
        throw failure;
      }
      decoded = decoding.decode(exchange.request, body);
    } catch (RequestFailure e) {
      caller.refuse(exchange, model, e);
      return;
    }
    if (exchange.path.predict()) {
      predict.predict(exchange, model, decoded);
    } else {
      oip.infer(exchange, model, decoded);
    }
  }
}
