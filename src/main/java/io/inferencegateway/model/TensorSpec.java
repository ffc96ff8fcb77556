package io.inferencegateway.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A model input or output as the protocol's metadata describes it: -1 marks a dynamic dimension. */
public record TensorSpec(String name, DataType datatype, long[] shape) {

  public JsonObject toJson() {
    JsonArray dims = new JsonArray();
    for (long dim : shape) {
      dims.add(dim);
    }
    return new JsonObject().put("name", name).put("datatype", datatype.name()).put("shape", dims);
  }

  /** Specs as the protocol's metadata lists them. */
  public static JsonArray toJson(List<TensorSpec> specs) {
    JsonArray array = new JsonArray();
    specs.forEach(spec -> array.add(spec.toJson()));
    return array;
  }
}
