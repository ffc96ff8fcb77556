package io.inferencegateway.http;

import io.inferencegateway.codec.Classification;
import io.inferencegateway.codec.InferBodies;
import io.inferencegateway.codec.InferJson;
import io.inferencegateway.codec.InferJson.InferBody;
import io.inferencegateway.codec.RawInput;
import io.inferencegateway.codec.RequestedOutput;
import io.inferencegateway.config.OutputKind;
import io.inferencegateway.config.PredictMapping;
import io.inferencegateway.health.Draining;
import io.inferencegateway.health.ModelHealthChecks;
import io.inferencegateway.health.ModelProbe;
import io.inferencegateway.model.Cancellation;
import io.inferencegateway.model.InferRequest;
import io.inferencegateway.model.InferResult;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.Replica;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.inferencegateway.model.Tensor;
import io.inferencegateway.model.TensorSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The Open Inference Protocol (KServe V2) REST routes, and the liveness and model readiness
 * routes of KServe's V1 protocol.
 */
final class OipRoutes {

  static final String PLATFORM = "onnx_onnxv1";

  /** The binary tensor data extension's header: the length of the JSON part of a body. */
  static final CharSequence INFERENCE_HEADER_LENGTH =
      HttpHeaders.createOptimized("Inference-Header-Content-Length");
  private static final CharSequence OCTET_STREAM =
      HttpHeaders.createOptimized("application/octet-stream");

  private final ModelRegistry registry;
  private final ModelCaller caller;
  private final ModelProbe probe;
  private final ModelHealthChecks health;
  private final Draining draining;
  private final JsonObject serverMetadata;

  OipRoutes(ModelRegistry registry, ModelCaller caller, ModelHealthChecks health, Draining draining,
      JsonObject serverMetadata) {
    this.registry = registry;
    this.caller = caller;
    this.probe = health.probe();
    this.health = health;
    this.draining = draining;
    this.serverMetadata = serverMetadata;
  }

  /** The routes other than inference, which {@link Admission} serves without the router. */
  void mount(Router router) {
    router.get("/v2").handler(ctx -> sendJson(ctx, serverMetadata));
    router.get("/v2/health/live")
        .handler(ctx -> sendJson(ctx, new JsonObject().put("live", true)));
    // KServe's V1 protocol, which the named-feature route follows, probes these two.
    router.get("/").handler(ctx -> sendJson(ctx, new JsonObject().put("status", "alive")));
    // A name without ':', so that GET on a :predict URL stays a wrong method.
    router.getWithRegex("/v1/models/(?<name>[^/:]+)").handler(this::modelReady);
    router.get("/v2/health/ready").handler(this::serverReady);
    for (String prefix : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
      router.get(prefix).handler(this::modelMetadata);
      router.get(prefix + "/ready").handler(this::modelReady);
    }
  }

  /** Readiness as both clients read it: Triton's the status, KServe's the body's "ready". */
  private void serverReady(RoutingContext ctx) {
    if (draining.started()) {
      notReady(ctx, new JsonObject().put("ready", false), "the gateway is shutting down");
      return;
    }
    health.readiness().onComplete(result -> {
      if (result.succeeded() && CheckResult.isUp(result.result())) {
        sendJson(ctx, new JsonObject().put("ready", true));
      } else {
        notReady(ctx, new JsonObject().put("ready", false),
            "not ready: " + ModelHealthChecks.notReady(result.result()));
      }
    });
  }

  private void modelMetadata(RoutingContext ctx) {
    withStatus(ctx, (model, status) -> status.loaded().ifPresentOrElse(
        loaded -> sendJson(ctx, new JsonObject()
            .put("name", model.name())
            .put("versions", new JsonArray(registry.versions(model.name()).stream()
                .map(ServedModel::version).toList()))
            .put("platform", PLATFORM)
            .put("inputs", TensorSpec.toJson(loaded.signature().inputs()))
            .put("outputs", TensorSpec.toJson(loaded.signature().outputs()))),
        () -> ErrorReplies.send(ctx, 503, notReadyMessage(model, status))));
  }

  private void modelReady(RoutingContext ctx) {
    withStatus(ctx, (model, status) -> {
      JsonObject answer = new JsonObject().put("name", model.name()).put("ready", status.isReady());
      if (status.isReady()) {
        sendJson(ctx, answer);
      } else {
        notReady(ctx, answer, notReadyMessage(model, status));
      }
    });
  }

  /** A 503 that says what is not ready, in the protocol's error shape beside the answer. */
  private static void notReady(RoutingContext ctx, JsonObject answer, String error) {
    ctx.response().setStatusCode(503);
    sendJson(ctx, answer.put("error", error));
  }

  /** An admitted infer request whose body has been read. */
  void infer(Exchange exchange, ServedModel model, Buffer buffer) {
    byte[] bytes = buffer.getBytes();
    int declared;
    try {
      declared = declaredJsonLength(exchange, bytes.length);
    } catch (RequestFailure e) {
      caller.refuse(exchange, model, e);
      return;
    }
    if (declared == 0) {
      rawInfer(exchange, model, bytes);
      return;
    }
    // Without the header the whole body is JSON and no input may be binary.
    int jsonLength = declared < 0 ? bytes.length : declared;
    int binaryStart = declared;
    InferBody body;
    InferRequest request;
    boolean binaryOutputs;
    try {
      body = InferBodies.read(bytes, jsonLength, binaryStart);
      binaryOutputs = InferBodies.binaryDataOutput(body.parameters());
      request = new InferRequest(exchange.id, body.inputs(), body.outputNames(),
          exchange.arrivalNanos, caller.deadlineNanos(exchange, body.parameters()),
          new Cancellation());
    } catch (RequestFailure e) {
      caller.refuse(exchange, model, e);
      return;
    }
    // The body's own id is echoed; without one the response carries the HTTP request id.
    String id = body.id() != null ? body.id() : exchange.id;
    call(exchange, model, request, id, body.outputs(), binaryOutputs);
  }

  /**
   * A raw binary request: the whole body is the data of the model's one input, its shape taken
   * from the model with the free dimension worked out from the byte count; every output comes
   * back in binary.
   */
  private void rawInfer(Exchange exchange, ServedModel model, byte[] bytes) {
    probe.status(model).onSuccess(status -> {
      InferRequest request;
      try {
        ModelStatus.Loaded loaded = status.loaded().orElseThrow(() -> new RequestFailure(
            RequestFailure.Kind.NOT_READY, notReadyMessage(model, status)));
        request = new InferRequest(exchange.id,
            List.of(RawInput.tensor(loaded.signature(), bytes)),
            List.of(), exchange.arrivalNanos, caller.deadlineNanos(exchange, null),
            new Cancellation());
      } catch (RequestFailure e) {
        caller.refuse(exchange, model, e);
        return;
      }
      call(exchange, model, request, exchange.id, List.of(), true);
    });
  }

  private void call(Exchange exchange, ServedModel model, InferRequest request, String id,
      List<RequestedOutput> asked, boolean binaryOutputs) {
    caller.<InferResult>call(exchange, model, Replica::inferAddress, request)
        .onComplete(done -> {
          if (done.failed()) {
            ErrorReplies.send(exchange, (RequestFailure) done.cause());
            return;
          }
          InferJson.InferReply reply;
          try {
            reply = reply(model, id, done.result(), asked, binaryOutputs);
          } catch (RequestFailure e) {
            ErrorReplies.send(exchange, e);
            return;
          }
          send(exchange.response, reply);
        });
  }

  /** The outputs as asked: each in binary or JSON, and classified where that was asked. */
  private static InferJson.InferReply reply(ServedModel model, String id, InferResult result,
      List<RequestedOutput> asked, boolean binaryOutputs) {
    List<Tensor> outputs = new ArrayList<>(result.outputs());
    boolean[] binary = new boolean[outputs.size()];
    for (int i = 0; i < binary.length; i++) {
      RequestedOutput wanted = find(asked, outputs.get(i).name());
      binary[i] = wanted == null ? binaryOutputs : wanted.binary(binaryOutputs);
      if (wanted != null && wanted.classification() > 0) {
        outputs.set(i, Classification.top(outputs.get(i), wanted.classification(),
            labels(model)));
      }
    }
    return InferJson.write(model.name(), model.version(), id, outputs, binary);
  }

  private static RequestedOutput find(List<RequestedOutput> asked, String name) {
    for (RequestedOutput output : asked) {
      if (output.name().equals(name)) {
        return output;
      }
    }
    return null;
  }

  /** The class names of a classification model's mapping; none for other models. */
  private static List<String> labels(ServedModel model) {
    return model.config().predictMapping()
        .filter(mapping -> mapping.kind() == OutputKind.CLASSIFICATION)
        .map(PredictMapping::labels)
        .orElse(List.of());
  }

  /**
   * The length of the JSON part as the {@code Inference-Header-Content-Length} header gives it (0
   * for a raw binary request); -1 without the header.
   */
  private static int declaredJsonLength(Exchange exchange, int bodyLength) {
    String header = exchange.request.getHeader(INFERENCE_HEADER_LENGTH);
    if (header == null) {
      return -1;
    }
    long length;
    try {
      length = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      length = -1;
    }
    if (length < 0) {
      throw RequestFailure.badRequest(INFERENCE_HEADER_LENGTH
          + " must be a non-negative integer, got \"" + header + "\"");
    }
    if (length > bodyLength) {
      throw RequestFailure.badRequest(INFERENCE_HEADER_LENGTH + " is " + length
          + ", larger than the body's " + bodyLength + " bytes");
    }
    return (int) length;
  }

  private void withStatus(RoutingContext ctx, BiConsumer<ServedModel, ModelStatus> then) {
    ServedModel model;
    try {
      model = resolve(ctx);
    } catch (RequestFailure e) {
      ErrorReplies.send(ctx, e);
      return;
    }
    probe.status(model).onSuccess(status -> then.accept(model, status));
  }

  private ServedModel resolve(RoutingContext ctx) {
    return registry.resolve(ctx.pathParam("name"), ctx.pathParam("version"));
  }

  private static String notReadyMessage(ServedModel model, ModelStatus status) {
    return "model '" + model.name() + "' is not ready (" + status.describe() + ")";
  }


  private static void sendJson(RoutingContext ctx, JsonObject json) {
    sendJson(ctx.response(), json);
  }

  static void sendJson(HttpServerResponse response, JsonObject json) {
    send(response, json.toBuffer());
  }

  private static void send(HttpServerResponse response, Buffer json) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, ErrorReplies.JSON).end(json);
  }

  private static void send(HttpServerResponse response, InferJson.InferReply reply) {
    if (reply.jsonLength() < 0) {
      send(response, reply.body());
      return;
    }
    response
        .putHeader(HttpHeaders.CONTENT_TYPE, OCTET_STREAM)
        .putHeader(INFERENCE_HEADER_LENGTH, String.valueOf(reply.jsonLength()))
        .end(reply.body());
  }
}
