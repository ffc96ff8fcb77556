package io.inferencegateway.http;

import io.inferencegateway.codec.InferBodies;
import io.inferencegateway.model.Cancellation;
import io.inferencegateway.model.PredictRequest;
import io.inferencegateway.model.PredictResult;
import io.inferencegateway.model.Replica;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The named-feature route, KServe V1 style: {@code POST /v1/models/{name}:predict}. */
final class PredictRoutes {

  private final ModelCaller caller;

  PredictRoutes(ModelCaller caller) {
    this.caller = caller;
  }

  /** An admitted request whose body has been read. */
  void predict(Exchange exchange, ServedModel model, Buffer body) {
    PredictRequest request;
    try {
      request = new PredictRequest(exchange.id, instances(InferBodies.jsonObject(body)),
          exchange.arrivalNanos, caller.deadlineNanos(exchange, null), new Cancellation());
    } catch (RequestFailure e) {
      caller.refuse(exchange, model, e);
      return;
    }
    caller.<PredictResult>call(exchange, model, Replica::predictAddress, request)
        .onComplete(done -> {
          if (done.succeeded()) {
            OipRoutes.sendJson(exchange.response,
                new JsonObject().put("predictions", done.result().predictions()));
          } else {
            ErrorReplies.send(exchange, (RequestFailure) done.cause());
          }
        });
  }

  private static List<Map<String, Double>> instances(JsonObject body) {
    Object field = body.getValue("instances");
    if (field == null) {
      throw RequestFailure.badRequest("the request has no 'instances'");
    }
    if (!(field instanceof JsonArray array) || array.isEmpty()) {
      throw RequestFailure.badRequest("'instances' must be a non-empty array");
    }
    List<Map<String, Double>> instances = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject instance)) {
        throw RequestFailure.badRequest("instances[" + i + "] must be an object of feature values");
      }
      Map<String, Double> features = new HashMap<>();
      for (Map.Entry<String, Object> feature : instance) {
        if (!(feature.getValue() instanceof Number value)) {
          throw RequestFailure.badRequest("instances[" + i + "]." + feature.getKey()
              + " must be a number, got " + feature.getValue());
        }
        features.put(feature.getKey(), value.doubleValue());
      }
      instances.add(features);
    }
    return instances;
  }
}
