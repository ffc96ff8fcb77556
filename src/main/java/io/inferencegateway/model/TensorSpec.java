package io.inferencegateway.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A model input or output as the protocol's metadata describes it: -1 marks a dynamic dimension. */
public record TensorSpec(String name, DataType datatype, long[] shape) {

  public JsonObject toJson() {
    JsonArray dims = new JsonArray();
    for (long dim : shape) {
      dims.add(dim);
    }
    return new JsonObject().put("name", name).put("datatype", datatype.name()).put("shape", dims);
  }

  public static TensorSpec fromJson(JsonObject json) {
    JsonArray dims = json.getJsonArray("shape");
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.getLong(i);
    }
    return new TensorSpec(
        json.getString("name"), DataType.valueOf(json.getString("datatype")), shape);
  }
}
