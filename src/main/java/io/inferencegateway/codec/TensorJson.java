package io.inferencegateway.codec;

import io.inferencegateway.model.DataType;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.Tensor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads request tensors from the protocol's JSON object tree (flat or nested data, row-major),
 * whatever the order of their keys, and words what is wrong with them.
 */
final class TensorJson {

  private TensorJson() {
  }

  /** An input; its data is in the JSON or, with {@code binary_data_size}, in {@code binary}. */
  static Tensor read(JsonObject json, String where, BinaryInputs binary) {
    String name = requireString(json, "name", where);
    where = "input '" + name + "'";
    String typeName = requireString(json, "datatype", where);
    DataType datatype = DataType.fromName(typeName)
        .orElseThrow(() -> RequestFailure.badRequest("input '" + json.getString("name")
            + "' has unknown datatype '" + typeName + "'"));
    if (!datatype.carried()) {
      throw RequestFailure.badRequest("input '" + name + "': datatype " + datatype
          + " is not supported, since ONNX Runtime cannot take it; use one of "
          + DataType.CARRIED);
    }
    long[] shape = shape(json, where);
    long expected = elementCount(shape, where);
    Object dataField = json.getValue("data");
    Long binarySize = BinaryInputs.size(json.getValue("parameters"), where);
    if (binarySize != null) {
      if (dataField != null) {
        throw RequestFailure.badRequest(where + " has both 'data' and binary_data_size; "
            + "only one of them may be given");
      }
      return new Tensor(name, datatype, shape,
          binary.take(where, datatype, shape, expected, binarySize));
    }
    if (dataField == null) {
      throw RequestFailure.badRequest(where + " has no 'data'");
    }
    if (!(dataField instanceof JsonArray data)) {
      throw RequestFailure.badRequest(where + ": 'data' must be an array");
    }
    List<Object> flat = new ArrayList<>();
    flatten(data, shape, where, flat);
    if (expected != flat.size()) {
      throw RequestFailure.badRequest(where + ": shape " + shapeText(shape) + " holds " + expected
          + " elements but data has " + flat.size());
    }
    return new Tensor(name, datatype, shape, values(datatype, flat, where));
  }

  static String requireString(JsonObject json, String key, String where) {
    Object value = json.getValue(key);
    if (value == null) {
      throw RequestFailure.badRequest(where + " has no '" + key + "'");
    }
    if (!(value instanceof String text)) {
      throw RequestFailure.badRequest(where + ": '" + key + "' must be a string");
    }
    return text;
  }

  private static long[] shape(JsonObject json, String where) {
    Object value = json.getValue("shape");
    if (value == null) {
      throw RequestFailure.badRequest(where + " has no 'shape'");
    }
    if (!(value instanceof JsonArray dims)) {
      throw RequestFailure.badRequest(where + ": 'shape' must be an array of integers");
    }
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      Object dim = dims.getValue(i);
      if (!(dim instanceof Integer || dim instanceof Long) || ((Number) dim).longValue() < 0) {
        throw RequestFailure.badRequest(where + ": shape dimensions must be non-negative integers, got "
            + dim);
      }
      shape[i] = ((Number) dim).longValue();
    }
    return shape;
  }

  private static long elementCount(long[] shape, String where) {
    try {
      return Tensor.elementCount(shape);
    } catch (ArithmeticException e) {
      throw RequestFailure.badRequest(where + ": shape " + shapeText(shape) + " is too large");
    }
  }

  /**
   * Flat data is taken as it is; nested data must nest exactly as the shape says, so that a
   * misplaced bracket is an error rather than a silently reshaped tensor.
   */
  private static void flatten(JsonArray data, long[] shape, String where, List<Object> into) {
    boolean nested = data.stream().anyMatch(item -> item instanceof JsonArray);
    if (!nested) {
      into.addAll(data.getList());
      return;
    }
    flattenNested(data, shape, 0, where, into);
  }

  private static void flattenNested(JsonArray array, long[] shape, int depth, String where,
      List<Object> into) {
    if (depth >= shape.length || array.size() != shape[depth]) {
      throw RequestFailure.badRequest(where + ": nested data does not match shape "
          + shapeText(shape) + " at depth " + depth);
    }
    boolean innermost = depth == shape.length - 1;
    for (Object item : array) {
      if (item instanceof JsonArray nested && !innermost) {
        flattenNested(nested, shape, depth + 1, where, into);
      } else if (!(item instanceof JsonArray) && innermost) {
        into.add(item);
      } else {
        throw RequestFailure.badRequest(where + ": nested data does not match shape "
            + shapeText(shape) + " at depth " + (depth + 1));
      }
    }
  }

  private static Object values(DataType datatype, List<Object> flat, String where) {
    int n = flat.size();
    Object values = datatype.newArray(n);
    for (int i = 0; i < n; i++) {
      Object value = flat.get(i);
      switch (datatype) {
        case BOOL -> {
          if (!(value instanceof Boolean bool)) {
            throw element(where, i, "must be true or false for BOOL", value);
          }
          ((boolean[]) values)[i] = bool;
        }
        case BYTES -> {
          if (!(value instanceof String text)) {
            throw element(where, i, "must be a string for BYTES", value);
          }
          ((String[]) values)[i] = text;
        }
        case FP32, FP64, FP16, BF16 -> {
          if (!(value instanceof Number number)) {
            throw element(where, i, "must be a number for " + datatype, value);
          }
          double real = number.doubleValue();
          if (Math.abs(real) > Elements.maxMagnitude(datatype)) {
            throw element(where, i, "is outside the " + datatype + " range", value);
          }
          switch (datatype) {
            case FP32 -> ((float[]) values)[i] = (float) real;
            case FP64 -> ((double[]) values)[i] = real;
            default -> ((short[]) values)[i] = Elements.halfBits(datatype, (float) real);
          }
        }
        default -> Elements.storeInteger(datatype, values, i, integer(value, i, datatype, where));
      }
    }
    return values;
  }

  private static long integer(Object value, int i, DataType datatype, String where) {
    long min = Elements.min(datatype);
    long max = Elements.max(datatype);
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
      throw element(where, i, "must be an integer from " + min + " to " + max + " for "
          + datatype, value);
    }
    return ((Number) value).longValue();
  }

  private static RequestFailure element(String where, int index, String rule, Object value) {
    String shown = value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    return RequestFailure.badRequest(where + ": data[" + index + "] " + rule + ", got " + shown);
  }

  private static String shapeText(long[] shape) {
    return Arrays.toString(shape);
  }
}
