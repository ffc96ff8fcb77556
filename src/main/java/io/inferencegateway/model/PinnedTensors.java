package io.inferencegateway.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One thread's input and output tensors for one session, kept from run to run while the shapes
 * stay the same. ONNX Runtime then reads the inputs from, and writes the outputs into, native
 * buffers made once ("pinned" outputs): that halves the cost of a call on a small model, most of
 * which is creating the Java objects of each output and each input.
 *
 * <p>Used by one thread at a time; closed with its session.
 */
final class PinnedTensors implements AutoCloseable {

  /**
   * A larger tensor is made for its run alone: a thread keeps at most this much native memory per
   * input and output of a model, and for such tensors the saving is small beside the run.
   */
  static final long MAX_BYTES = 64 << 10;

  private final OrtEnvironment env;
  private final Map<String, Slot> inputs = new HashMap<>();
  private final Map<String, Slot> outputs = new HashMap<>();
  private final Map<String, OnnxTensor> feeds = new HashMap<>();
  private final Map<String, OnnxTensor> pinned = new HashMap<>();

  PinnedTensors(OrtEnvironment env) {
    this.env = env;
  }

  /** Whether a datatype has a native buffer form this class can fill and read. */
  static boolean pinnable(DataType type) {
    return type.carried() && type != DataType.BYTES;
  }

  /**
   * Runs the session on the request's inputs into outputs of the given datatypes and shapes, and
   * copies them out in the order given.
   */
  List<Tensor> run(OrtSession session, List<Tensor> request, List<TensorSpec> wanted)
      throws OrtException {
    feeds.clear();
    pinned.clear();
    for (Tensor input : request) {
      Slot slot = inputs.computeIfAbsent(input.name(), name -> new Slot());
      slot.fit(env, input.datatype(), input.shape());
      slot.write(input.data());
      feeds.put(input.name(), slot.tensor);
    }
    for (TensorSpec output : wanted) {
      Slot slot = outputs.computeIfAbsent(output.name(), name -> new Slot());
      slot.fit(env, output.datatype(), output.shape());
      pinned.put(output.name(), slot.tensor);
    }
    session.run(feeds, pinned).close();
    Tensor[] answers = new Tensor[wanted.size()];
    for (int i = 0; i < answers.length; i++) {
      TensorSpec output = wanted.get(i);
      answers[i] = new Tensor(output.name(), output.datatype(), output.shape(),
          outputs.get(output.name()).read());
    }
    return List.of(answers);
  }

  @Override
  public void close() {
    inputs.values().forEach(Slot::close);
    outputs.values().forEach(Slot::close);
    inputs.clear();
    outputs.clear();
  }

  /** A tensor over a native buffer, remade only when the datatype or shape changes. */
  private static final class Slot {
    private DataType type;
    private long[] shape;
    private int elements;
    private ByteBuffer bytes;
    /** The buffer the tensor was made over: a typed view of {@code bytes}. */
    private Buffer data;
    private OnnxTensor tensor;

    void fit(OrtEnvironment env, DataType wantedType, long[] wantedShape) throws OrtException {
      if (tensor != null && type == wantedType && Arrays.equals(shape, wantedShape)) {
        return;
      }
      close();
      elements = Math.toIntExact(Tensor.elementCount(wantedShape));
      int size = elements * wantedType.size();
      if (bytes == null || bytes.capacity() < size) {
        bytes = ByteBuffer.allocateDirect(size);
      }
      ByteBuffer view = bytes.duplicate().clear().limit(size).order(ByteOrder.nativeOrder());
      tensor = switch (wantedType) {
        case FP32 -> OnnxTensor.createTensor(env, view(view.asFloatBuffer()), wantedShape);
        case FP64 -> OnnxTensor.createTensor(env, view(view.asDoubleBuffer()), wantedShape);
        case INT32 -> OnnxTensor.createTensor(env, view(view.asIntBuffer()), wantedShape);
        case INT64 -> OnnxTensor.createTensor(env, view(view.asLongBuffer()), wantedShape);
        case INT16, FP16, BF16 -> OnnxTensor.createTensor(env, view(view.asShortBuffer()),
            wantedShape, wantedType.onnx());
        case UINT8, INT8, BOOL ->
            OnnxTensor.createTensor(env, view(view), wantedShape, wantedType.onnx());
        default -> throw new IllegalArgumentException("not pinnable: " + wantedType);
      };
      type = wantedType;
      shape = wantedShape.clone();
    }

    private <B extends Buffer> B view(B buffer) {
      data = buffer;
      return buffer;
    }

    void write(Object values) {
      data.clear();
      switch (type) {
        case FP32 -> ((FloatBuffer) data).put((float[]) values);
        case FP64 -> ((DoubleBuffer) data).put((double[]) values);
        case INT32 -> ((IntBuffer) data).put((int[]) values);
        case INT64 -> ((LongBuffer) data).put((long[]) values);
        case INT16, FP16, BF16 -> ((ShortBuffer) data).put((short[]) values);
        case UINT8, INT8 -> ((ByteBuffer) data).put((byte[]) values);
        case BOOL -> {
          ByteBuffer into = (ByteBuffer) data;
          for (boolean value : (boolean[]) values) {
            into.put((byte) (value ? 1 : 0));
          }
        }
        default -> throw new IllegalStateException("not pinnable: " + type);
      }
    }

    Object read() {
      data.clear();
      Object values = type.newArray(elements);
      switch (type) {
        case FP32 -> ((FloatBuffer) data).get((float[]) values);
        case FP64 -> ((DoubleBuffer) data).get((double[]) values);
        case INT32 -> ((IntBuffer) data).get((int[]) values);
        case INT64 -> ((LongBuffer) data).get((long[]) values);
        case INT16, FP16, BF16 -> ((ShortBuffer) data).get((short[]) values);
        case UINT8, INT8 -> ((ByteBuffer) data).get((byte[]) values);
        case BOOL -> {
          ByteBuffer from = (ByteBuffer) data;
          boolean[] into = (boolean[]) values;
          for (int i = 0; i < into.length; i++) {
            into[i] = from.get() != 0;
          }
        }
        default -> throw new IllegalStateException("not pinnable: " + type);
      }
      return values;
    }

    void close() {
      if (tensor != null) {
        tensor.close();
        tensor = null;
      }
    }
  }
}
