package io.inferencegateway.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/** Converts between the gateway's {@link Tensor} and ONNX Runtime's {@link OnnxTensor}. */
final class OnnxTensors {

  private OnnxTensors() {
  }

  static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    return switch (tensor.datatype()) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) tensor.data()), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) tensor.data()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) tensor.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) tensor.data()), shape);
      case BOOL -> OnnxTensor.createTensor(env, booleanBytes((boolean[]) tensor.data()), shape,
          OnnxJavaType.BOOL);
      default -> throw RequestFailure.badRequest(
          "datatype " + tensor.datatype() + " is not supported");
    };
  }

  /** Copies an output out of native memory; empty-handed for element types the gateway does not carry. */
  static Tensor fromOnnx(String name, OnnxTensor tensor) {
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    return switch (info.type) {
      case FLOAT -> new Tensor(name, DataType.FP32, shape, floats(tensor.getFloatBuffer()));
      case DOUBLE -> new Tensor(name, DataType.FP64, shape, doubles(tensor.getDoubleBuffer()));
      case INT32 -> new Tensor(name, DataType.INT32, shape, ints(tensor.getIntBuffer()));
      case INT64 -> new Tensor(name, DataType.INT64, shape, longs(tensor.getLongBuffer()));
      case BOOL -> new Tensor(name, DataType.BOOL, shape, booleans(tensor.getByteBuffer()));
      default -> throw RequestFailure.badRequest(
          "output '" + name + "' has element type " + info.type + ", which the gateway cannot return");
    };
  }

  private static ByteBuffer booleanBytes(boolean[] values) {
    ByteBuffer bytes = ByteBuffer.allocateDirect(values.length);
    for (boolean value : values) {
      bytes.put((byte) (value ? 1 : 0));
    }
    return bytes.rewind();
  }

  private static float[] floats(FloatBuffer buffer) {
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static double[] doubles(DoubleBuffer buffer) {
    double[] values = new double[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static int[] ints(IntBuffer buffer) {
    int[] values = new int[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static long[] longs(LongBuffer buffer) {
    long[] values = new long[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static boolean[] booleans(ByteBuffer buffer) {
    boolean[] values = new boolean[buffer.remaining()];
    for (int i = 0; i < values.length; i++) {
      values[i] = buffer.get() != 0;
    }
    return values;
  }
}
