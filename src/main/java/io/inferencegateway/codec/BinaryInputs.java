package io.inferencegateway.codec;

import io.inferencegateway.model.DataType;
import io.inferencegateway.model.RequestFailure;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * The binary part of a request body (the binary tensor data extension): the bytes after the JSON,
 * taken by the inputs that declare a {@code binary_data_size}, in the order the JSON lists them.
 */
final class BinaryInputs {

  private final byte[] body;
  private final int start;
  private int next;

  /** {@code start} is where the JSON ends; -1 when the request has no binary part. */
  BinaryInputs(byte[] body, int start) {
    this.body = body;
    this.start = start;
    this.next = start;
  }

  /** The {@code binary_data_size} an input's parameters declare, or null when none. */
  static Long size(Object parameters, String where) {
    if (parameters == null) {
      return null;
    }
    if (!(parameters instanceof JsonObject object)) {
      throw RequestFailure.badRequest(where + ": 'parameters' must be an object");
    }
    Object size = object.getValue("binary_data_size");
    if (size == null) {
      return null;
    }
    if (!(size instanceof Integer || size instanceof Long) || ((Number) size).longValue() < 0) {
      throw RequestFailure.badRequest(where + ": binary_data_size must be a non-negative "
          + "integer, got " + size);
    }
    return ((Number) size).longValue();
  }

  /** The next {@code size} bytes as the data of a tensor of {@code count} elements. */
  Object take(String where, DataType type, long[] shape, long count, long size) {
    if (start < 0) {
      throw RequestFailure.badRequest(where + " has binary_data_size, but the request has no "
          + "binary data: send the JSON's length in Inference-Header-Content-Length");
    }
    if (size > body.length - next) {
      throw RequestFailure.badRequest(where + ": binary_data_size is " + size
          + " bytes, but only " + (body.length - next) + " bytes of binary data are left");
    }
    if (type != DataType.BYTES && size != count * type.size()) {
      throw RequestFailure.badRequest(where + ": binary_data_size is " + size + " bytes, but "
          + type + " shape " + Arrays.toString(shape) + " takes " + count * type.size());
    }
    Object data = BinaryTensors.read(type, (int) count, body, next, (int) size, where);
    next += (int) size;
    return data;
  }

  /** Refuses bytes that no input took. */
  void requireAllTaken() {
    if (start >= 0 && next != body.length) {
      throw RequestFailure.badRequest("unexpected additional input data: " + (body.length - next)
          + " bytes after the last binary input");
    }
  }
}
