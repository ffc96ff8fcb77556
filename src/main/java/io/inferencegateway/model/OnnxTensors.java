package io.inferencegateway.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/** Converts between the gateway's {@link Tensor} and ONNX Runtime's {@link OnnxTensor}. */
final class OnnxTensors {

  private OnnxTensors() {
  }

  /** A tensor of a carried datatype; its data is the array {@link DataType#newArray} makes. */
  static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    DataType type = tensor.datatype();
    return switch (type) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) tensor.data()), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) tensor.data()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) tensor.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) tensor.data()), shape);
      case INT16, FP16, BF16 -> OnnxTensor.createTensor(env,
          ShortBuffer.wrap((short[]) tensor.data()), shape, type.onnx());
      case UINT8, INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) tensor.data()),
          shape, type.onnx());
      case BOOL -> OnnxTensor.createTensor(env, booleanBytes((boolean[]) tensor.data()), shape,
          type.onnx());
      case BYTES -> OnnxTensor.createTensor(env, (String[]) tensor.data(), shape);
      default -> throw RequestFailure.badRequest("datatype " + type + " is not supported");
    };
  }

  /**
   * Copies an output out of native memory. An element type the gateway cannot carry is the
   * model's doing, not the client's: an internal failure that names it.
   */
  static Tensor fromOnnx(String name, OnnxTensor tensor) throws OrtException {
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    DataType type = DataType.fromOnnx(info.onnxType).filter(DataType::carried)
        .orElseThrow(() -> new RequestFailure(RequestFailure.Kind.INTERNAL, "the model's output '"
            + name + "' has element type " + info.onnxType.name().replace(
                "ONNX_TENSOR_ELEMENT_DATA_TYPE_", "") + ", which the gateway cannot return"));
    Object data = type.newArray(Math.toIntExact(info.getNumElements()));
    switch (type) {
      case FP32 -> tensor.getFloatBuffer().get((float[]) data);
      case FP64 -> tensor.getDoubleBuffer().get((double[]) data);
      case INT32 -> tensor.getIntBuffer().get((int[]) data);
      case INT64 -> tensor.getLongBuffer().get((long[]) data);
      case INT16, FP16, BF16 -> tensor.getShortBuffer().get((short[]) data);
      case UINT8, INT8 -> tensor.getByteBuffer().get((byte[]) data);
      case BOOL -> booleans(tensor.getByteBuffer(), (boolean[]) data);
      case BYTES -> flatten(tensor.getValue(), (String[]) data, 0);
      default -> throw new IllegalStateException("not a carried datatype: " + type);
    }
    return new Tensor(name, type, shape, data);
  }

  private static ByteBuffer booleanBytes(boolean[] values) {
    ByteBuffer bytes = ByteBuffer.allocateDirect(values.length);
    for (boolean value : values) {
      bytes.put((byte) (value ? 1 : 0));
    }
    return bytes.rewind();
  }

  private static void booleans(ByteBuffer buffer, boolean[] into) {
    for (int i = 0; i < into.length; i++) {
      into[i] = buffer.get() != 0;
    }
  }

  /**
   * ONNX Runtime hands string tensors out as nested arrays (a lone string for a scalar); laid
   * flat in row-major order from {@code at}, returning the next free index.
   */
  private static int flatten(Object value, String[] into, int at) {
    if (value instanceof String text) {
      into[at] = text;
      return at + 1;
    }
    int next = at;
    for (int i = 0, n = Array.getLength(value); i < n; i++) {
      next = flatten(Array.get(value, i), into, next);
    }
    return next;
  }
}
