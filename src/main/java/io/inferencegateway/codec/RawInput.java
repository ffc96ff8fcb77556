package io.inferencegateway.codec;

import io.inferencegateway.model.DataType;
import io.inferencegateway.model.ModelSignature;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.Tensor;
import io.inferencegateway.model.TensorSpec;
import java.util.Arrays;

/**
 * The tensor of a raw binary request ({@code Inference-Header-Content-Length: 0}): the whole body
 * is the data of the model's only input. Its shape is the model's, with one free dimension worked
 * out from the byte count; when the first dimension and one other are free, the first is a batch
 * of one. A BYTES body is one element.
 */
public final class RawInput {

  private RawInput() {
  }

  public static Tensor tensor(ModelSignature signature, byte[] body) {
    if (signature.inputs().size() != 1) {
      throw RequestFailure.badRequest("a raw binary request (Inference-Header-Content-Length: 0) "
          + "needs a model with exactly one input; this one has " + signature.inputs().size());
    }
    TensorSpec input = signature.inputs().get(0);
    String where = "raw input '" + input.name() + "'";
    DataType type = input.datatype();
    if (!type.carried()) {
      throw RequestFailure.badRequest(where + ": datatype " + type + " is not supported");
    }
    long[] shape = input.shape().clone();
    int free = (int) Arrays.stream(shape).filter(dim -> dim < 0).count();
    if (free > 1 && shape[0] < 0) {
      shape[0] = 1;
      free--;
    }
    if (free > 1) {
      throw RequestFailure.badRequest("the shape of " + where + " cannot be deduced: "
          + Arrays.toString(input.shape()) + " has more than one variable-sized dimension");
    }
    if (type == DataType.BYTES) {
      return bytesElement(input, shape, body, where);
    }
    long fixed = 1;
    for (long dim : shape) {
      fixed *= dim < 0 ? 1 : dim;
    }
    long rowBytes = fixed * type.size();
    if (rowBytes == 0 || body.length % rowBytes != 0 || (free == 0 && body.length != rowBytes)) {
      throw RequestFailure.badRequest(where + ": " + body.length + " bytes do not make a " + type
          + " tensor of shape " + Arrays.toString(input.shape()));
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = body.length / rowBytes;
      }
    }
    int count = Math.toIntExact(body.length / type.size());
    return new Tensor(input.name(), type, shape,
        BinaryTensors.read(type, count, body, 0, body.length, where));
  }

  /** A BYTES input takes the body as its one element; every dimension must allow 1. */
  private static Tensor bytesElement(TensorSpec input, long[] shape, byte[] body, String where) {
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] > 1) {
        throw RequestFailure.badRequest(where + ": a raw BYTES body is one element, but the "
            + "input's shape is " + Arrays.toString(input.shape()));
      }
      shape[i] = 1;
    }
    return new Tensor(input.name(), DataType.BYTES, shape,
        new String[] {BinaryTensors.text(body, 0, body.length, where)});
  }
}
