package io.inferencegateway.codec;

import io.inferencegateway.model.RequestFailure;
import io.vertx.core.json.JsonObject;

/**
 * An output a request names, with how it wants it: {@code binary} is the output's own
 * {@code binary_data} (null when it does not say), {@code classification} the number of top
 * classes asked for instead of the tensor (0 for the tensor itself).
 */
public record RequestedOutput(String name, Boolean binary, int classification) {

  /** An output entry's {@code parameters}, checked. */
  static RequestedOutput of(String name, Object parameters, String where) {
    if (parameters == null) {
      return new RequestedOutput(name, null, 0);
    }
    if (!(parameters instanceof JsonObject object)) {
      throw RequestFailure.badRequest(where + ": 'parameters' must be an object");
    }
    Object binary = object.getValue("binary_data");
    if (binary != null && !(binary instanceof Boolean)) {
      throw RequestFailure.badRequest(where + ": binary_data must be true or false, got "
          + binary);
    }
    Object classes = object.getValue("classification");
    if (classes != null && (!(classes instanceof Integer count) || count < 1)) {
      throw RequestFailure.badRequest(where + ": classification must be a positive integer, got "
          + classes);
    }
    return new RequestedOutput(name, (Boolean) binary, classes == null ? 0 : (Integer) classes);
  }

  /** Whether this output goes back in binary, given the request's {@code binary_data_output}. */
  public boolean binary(boolean byDefault) {
    return binary != null ? binary : byDefault;
  }
}
