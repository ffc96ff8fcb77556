package io.inferencegateway.codec;

import io.inferencegateway.codec.InferJson.InferBody;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.Tensor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies of the inference routes: read by the streaming reader when they are in its
 * order, else as a tree, which names whatever is wrong with them.
 */
public final class InferBodies {

  private InferBodies() {
  }

  /**
   * An infer body whose JSON is its first {@code jsonLength} bytes; binary inputs follow from
   * {@code binaryStart}, -1 when it has none. Fails with a {@link RequestFailure} naming the
   * problem.
   */
  public static InferBody read(byte[] bytes, int jsonLength, int binaryStart) {
    return InferJson.read(bytes, jsonLength, new BinaryInputs(bytes, binaryStart))
        .orElseGet(() -> treeBody(bytes, jsonLength, binaryStart));
  }

  /** The request's {@code binary_data_output}: whether outputs go in binary unless they say. */
  public static boolean binaryDataOutput(JsonObject parameters) {
    Object value = parameters == null ? null : parameters.getValue("binary_data_output");
    if (value != null && !(value instanceof Boolean)) {
      throw RequestFailure.badRequest("parameter 'binary_data_output' must be true or false, got "
          + value);
    }
    return Boolean.TRUE.equals(value);
  }

  /** Any body the streaming reader did not take: read as a tree, and refused with the reason. */
  private static InferBody treeBody(byte[] bytes, int jsonLength, int binaryStart) {
    JsonObject body = jsonObject(Buffer.buffer(bytes).slice(0, jsonLength));
    String id = responseId(body);
    BinaryInputs binary = new BinaryInputs(bytes, binaryStart);
    List<Tensor> inputs = inputs(body, binary);
    binary.requireAllTaken();
    return new InferBody(id, inputs, requestedOutputs(body), parameters(body));
  }

  private static List<Tensor> inputs(JsonObject body, BinaryInputs binary) {
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
      Tensor tensor = TensorJson.read(input, "inputs[" + i + "]", binary);
      if (!names.add(tensor.name())) {
        throw RequestFailure.badRequest("input '" + tensor.name() + "' is given twice");
      }
      tensors.add(tensor);
    }
    return tensors;
  }

  private static List<RequestedOutput> requestedOutputs(JsonObject body) {
    Object field = body.getValue("outputs");
    if (field == null) {
      return List.of();
    }
    if (!(field instanceof JsonArray outputs)) {
      throw RequestFailure.badRequest("'outputs' must be an array");
    }
    List<RequestedOutput> requested = new ArrayList<>(outputs.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < outputs.size(); i++) {
      if (!(outputs.getValue(i) instanceof JsonObject output)) {
        throw RequestFailure.badRequest("outputs[" + i + "] must be an object");
      }
      String name = TensorJson.requireString(output, "name", "outputs[" + i + "]");
      if (!names.add(name)) {
        throw RequestFailure.badRequest("output '" + name + "' is asked for twice");
      }
      requested.add(RequestedOutput.of(name, output.getValue("parameters"),
          "output '" + name + "'"));
    }
    return requested;
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

  /** A body that must hold one JSON object; refused with the reason when it does not. */
  public static JsonObject jsonObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw RequestFailure.badRequest("the request has no body; expected a JSON object");
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw RequestFailure.badRequest("the body is not valid JSON: " + firstLine(e));
    }
    if (!(json instanceof JsonObject object)) {
      throw RequestFailure.badRequest("the body must be a JSON object, not "
          + (json instanceof JsonArray ? "an array" : "a single value"));
    }
    return object;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
