package io.inferencegateway.http;

import io.inferencegateway.codec.InferBodies;
import io.inferencegateway.model.Cancellation;
import io.inferencegateway.model.PredictRequest;
import io.inferencegateway.model.PredictResult;
import io.inferencegateway.model.Replica;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The named-feature route, KServe V1 style: {@code POST /v1/models/{name}:predict}. */
final class PredictRoutes {

  static final String PREDICT_PATH = "/v1/models/:name:predict";

  private final ModelCaller caller;
  private final ContentDecoding decoding;

  PredictRoutes(ModelCaller caller, ContentDecoding decoding) {
    this.caller = caller;
    this.decoding = decoding;
  }

  void mount(Router router, Admission admission, BodyHandler body) {
    // The ':' inside the last segment is not a path parameter, so the route is a regex.
    router.postWithRegex("/v1/models/(?<name>[^/:]+):predict")
        .setName(PREDICT_PATH)
        .handler(admission)
        .handler(body)
        .handler(this::predict);
  }

  private void predict(RoutingContext ctx) {
    ServedModel model = Admission.model(ctx);
    PredictRequest request;
    try {
      request = new PredictRequest(AccessLog.requestId(ctx),
          instances(InferBodies.jsonObject(decoding.body(ctx))),
          AccessLog.arrivalNanos(ctx), caller.deadlineNanos(ctx, null), new Cancellation());
    } catch (RequestFailure e) {
      caller.refuse(ctx, model, e);
      return;
    }
    caller.<PredictResult>call(ctx, model, Replica::predictAddress, request)
        .onSuccess(result ->
            OipRoutes.sendJson(ctx, new JsonObject().put("predictions", result.predictions())))
        .onFailure(failure -> ErrorReplies.send(ctx, (RequestFailure) failure));
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
