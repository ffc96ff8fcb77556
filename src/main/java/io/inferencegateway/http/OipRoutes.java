package io.inferencegateway.http;

import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.health.ModelHealthChecks;
import io.inferencegateway.health.ModelProbe;
import io.inferencegateway.http.InferJson.InferBody;
import io.inferencegateway.model.Cancellation;
import io.inferencegateway.model.InferRequest;
import io.inferencegateway.model.InferResult;
import io.inferencegateway.model.ModelAddresses;
import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.Tensor;
import io.inferencegateway.model.TensorSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** The Open Inference Protocol (KServe V2) REST routes. */
final class OipRoutes {

  static final String PLATFORM = "onnx_onnxv1";

  private final ModelCatalog catalog;
  private final ModelCaller caller;
  private final ModelProbe probe;
  private final ModelHealthChecks health;
  private final JsonObject serverMetadata;

  OipRoutes(ModelCatalog catalog, ModelCaller caller, ModelHealthChecks health,
      JsonObject serverMetadata) {
    this.catalog = catalog;
    this.caller = caller;
    this.probe = health.probe();
    this.health = health;
    this.serverMetadata = serverMetadata;
  }

  void mount(Router router, Admission admission, BodyHandler body) {
    router.get("/v2").handler(ctx -> sendJson(ctx, serverMetadata));
    router.get("/v2/health/live").handler(ctx -> ctx.response().end());
    router.get("/v2/health/ready").handler(this::serverReady);
    for (String prefix : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
      router.get(prefix).handler(this::modelMetadata);
      router.get(prefix + "/ready").handler(this::modelReady);
      router.post(prefix + "/infer").handler(admission).handler(body).handler(this::infer);
    }
  }

  private void serverReady(RoutingContext ctx) {
    health.readiness().onComplete(result -> {
      if (result.succeeded() && CheckResult.isUp(result.result())) {
        ctx.response().end();
      } else {
        ErrorReplies.send(ctx, 503, "not ready: "
            + ModelHealthChecks.notReady(result.result()));
      }
    });
  }

  private void modelMetadata(RoutingContext ctx) {
    withStatus(ctx, (model, status) -> status.loaded().ifPresentOrElse(
        loaded -> sendJson(ctx, new JsonObject()
            .put("name", model.name())
            .put("versions", new JsonArray().add(model.version()))
            .put("platform", PLATFORM)
            .put("inputs", TensorSpec.toJson(loaded.signature().inputs()))
            .put("outputs", TensorSpec.toJson(loaded.signature().outputs()))),
        () -> ErrorReplies.send(ctx, 503, notReadyMessage(model, status))));
  }

  private void modelReady(RoutingContext ctx) {
    withStatus(ctx, (model, status) -> {
      if (status.isReady()) {
        ctx.response().end();
      } else {
        ErrorReplies.send(ctx, 503, notReadyMessage(model, status));
      }
    });
  }

  private void infer(RoutingContext ctx) {
    ModelConfig model = Admission.model(ctx);
    InferBody body;
    InferRequest request;
    try {
      body = InferJson.read(ctx.body().buffer()).orElseGet(() -> treeBody(ctx));
      request = new InferRequest(body.inputs(), body.outputs(), AccessLog.arrivalNanos(ctx),
          caller.deadlineNanos(ctx, body.parameters()), new Cancellation());
    } catch (RequestFailure e) {
      caller.refuse(ctx, model, e);
      return;
    }
    // The body's own id is echoed; without one the response carries the HTTP request id.
    String id = body.id() != null ? body.id() : AccessLog.requestId(ctx);
    caller.<InferResult>call(ctx, model, ModelAddresses.infer(model.name()), request)
        .onSuccess(result -> send(ctx,
            InferJson.write(model.name(), model.version(), id, result.outputs())))
        .onFailure(failure -> ErrorReplies.send(ctx, (RequestFailure) failure));
  }

  /** Any body the streaming reader did not take: read as a tree, and refused with the reason. */
  private static InferBody treeBody(RoutingContext ctx) {
    JsonObject body = ModelCaller.jsonBody(ctx);
    String id = responseId(body);
    return new InferBody(id, inputs(body), requestedOutputs(body), parameters(body));
  }

  private static List<Tensor> inputs(JsonObject body) {
    Object inputsField = body.getValue("inputs");
    if (inputsField == null) {
      throw RequestFailure.badRequest("the request has no 'inputs'");
    }
    if (!(inputsField instanceof JsonArray inputs) || inputs.isEmpty()) {
      throw RequestFailure.badRequest("'inputs' must be a non-empty array");
    }
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (!(inputs.getValue(i) instanceof JsonObject input)) {
        throw RequestFailure.badRequest("inputs[" + i + "] must be an object");
      }
      Tensor tensor = TensorJson.read(input, "inputs[" + i + "]");
      if (!names.add(tensor.name())) {
        throw RequestFailure.badRequest("input '" + tensor.name() + "' is given twice");
      }
      tensors.add(tensor);
    }
    return tensors;
  }

  private static List<String> requestedOutputs(JsonObject body) {
    Object field = body.getValue("outputs");
    if (field == null) {
      return List.of();
    }
    if (!(field instanceof JsonArray outputs)) {
      throw RequestFailure.badRequest("'outputs' must be an array");
    }
    List<String> names = new ArrayList<>(outputs.size());
    for (int i = 0; i < outputs.size(); i++) {
      if (!(outputs.getValue(i) instanceof JsonObject output)) {
        throw RequestFailure.badRequest("outputs[" + i + "] must be an object");
      }
      names.add(TensorJson.requireString(output, "name", "outputs[" + i + "]"));
    }
    return names;
  }

  /** The request's {@code parameters} object, if it has one. */
  private static JsonObject parameters(JsonObject body) {
    Object parameters = body.getValue("parameters");
    if (parameters != null && !(parameters instanceof JsonObject)) {
      throw RequestFailure.badRequest("'parameters' must be an object");
    }
    return (JsonObject) parameters;
  }

  private static String responseId(JsonObject body) {
    Object id = body.getValue("id");
    if (id != null && !(id instanceof String)) {
      throw RequestFailure.badRequest("'id' must be a string");
    }
    return (String) id;
  }

  private void withStatus(RoutingContext ctx, BiConsumer<ModelConfig, ModelStatus> then) {
    ModelConfig model;
    try {
      model = resolve(ctx);
    } catch (RequestFailure e) {
      ErrorReplies.send(ctx, e);
      return;
    }
    probe.status(model).onSuccess(status -> then.accept(model, status));
  }

  private ModelConfig resolve(RoutingContext ctx) {
    return catalog.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
  }

  private static String notReadyMessage(ModelConfig model, ModelStatus status) {
    return "model '" + model.name() + "' is not ready (" + status.describe() + ")";
  }


  static void sendJson(RoutingContext ctx, JsonObject json) {
    send(ctx, json.toBuffer());
  }

  private static void send(RoutingContext ctx, Buffer json) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, ErrorReplies.JSON)
        .end(json);
  }
}
