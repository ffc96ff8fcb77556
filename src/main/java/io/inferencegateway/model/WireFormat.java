package io.inferencegateway.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The binary form of the model messages between nodes. Tensor data travels as little-endian
 * element bytes copied in bulk, never as text; strings as UTF-16 code units, so that any Java
 * string, BYTES elements included, comes back unchanged. Times cross as durations, since
 * {@link System#nanoTime()} means nothing on another JVM: a request's age and the time left
 * before its deadline, re-anchored on the receiving node's clock. A cancellation does not cross;
 * the receiving side's deadline still bounds the work.
 */
public final class WireFormat {

  private WireFormat() {
  }

  static void writeInferRequest(Buffer out, InferRequest request) {
    long now = System.nanoTime();
    writeString(out, request.requestId());
    out.appendLong(now - request.arrivalNanos());
    out.appendLong(request.deadlineNanos() - now);
    writeTensors(out, request.inputs());
    out.appendInt(request.outputs().size());
    request.outputs().forEach(name -> writeString(out, name));
  }

  static void writeInferResult(Buffer out, InferResult result) {
    writeTensors(out, result.outputs());
  }

  static void writePredictRequest(Buffer out, PredictRequest request) {
    long now = System.nanoTime();
    writeString(out, request.requestId());
    out.appendLong(now - request.arrivalNanos());
    out.appendLong(request.deadlineNanos() - now);
    out.appendInt(request.instances().size());
    for (Map<String, Double> instance : request.instances()) {
      out.appendInt(instance.size());
      instance.forEach((feature, value) -> {
        writeString(out, feature);
        // A null value is a feature sent without a number, which the model refuses by name.
        out.appendByte((byte) (value == null ? 0 : 1));
        out.appendDouble(value == null ? 0 : value);
      });
    }
  }

  /** Predictions are already the V1 answer's JSON; they cross as that text. */
  static void writePredictResult(Buffer out, PredictResult result) {
    writeString(out, result.predictions().encode());
  }

  static void writeStatus(Buffer out, ModelStatus status) {
    out.appendByte((byte) status.state().ordinal());
    writeString(out, status.version());
    writeString(out, status.error().orElse(null));
    out.appendByte((byte) (status.loaded().isPresent() ? 1 : 0));
    status.loaded().ifPresent(loaded -> {
      writeSpecs(out, loaded.signature().inputs());
      writeSpecs(out, loaded.signature().outputs());
      out.appendLong(loaded.loadTimeMs());
      out.appendLong(loaded.loadedAt().toEpochMilli());
      out.appendInt(loaded.running());
    });
  }

  private static void writeSpecs(Buffer out, List<TensorSpec> specs) {
    out.appendInt(specs.size());
    for (TensorSpec spec : specs) {
      writeString(out, spec.name());
      out.appendByte((byte) spec.datatype().ordinal());
      writeShape(out, spec.shape());
    }
  }

  private static void writeTensors(Buffer out, List<Tensor> tensors) {
    out.appendInt(tensors.size());
    for (Tensor tensor : tensors) {
      writeString(out, tensor.name());
      out.appendByte((byte) tensor.datatype().ordinal());
      writeShape(out, tensor.shape());
      writeData(out, tensor.datatype(), tensor.data());
    }
  }

  private static void writeShape(Buffer out, long[] shape) {
    out.appendInt(shape.length);
    for (long dim : shape) {
      out.appendLong(dim);
    }
  }

  private static void writeData(Buffer out, DataType type, Object data) {
    if (data instanceof String[] strings) {
      out.appendInt(strings.length);
      for (String element : strings) {
        writeString(out, element);
      }
      return;
    }
    int length = Array.getLength(data);
    out.appendInt(length);
    ByteBuffer bytes = ByteBuffer.allocate(length * Math.max(1, type.size()))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (data instanceof boolean[] values) {
      for (boolean value : values) {
        bytes.put((byte) (value ? 1 : 0));
      }
    } else if (data instanceof byte[] values) {
      bytes.put(values);
    } else if (data instanceof short[] values) {
      bytes.asShortBuffer().put(values);
    } else if (data instanceof int[] values) {
      bytes.asIntBuffer().put(values);
    } else if (data instanceof long[] values) {
      bytes.asLongBuffer().put(values);
    } else if (data instanceof float[] values) {
      bytes.asFloatBuffer().put(values);
    } else if (data instanceof double[] values) {
      bytes.asDoubleBuffer().put(values);
    } else {
      throw new IllegalArgumentException("no wire form for " + data.getClass());
    }
    out.appendBytes(bytes.array());
  }

  private static void writeString(Buffer out, String text) {
    if (text == null) {
      out.appendInt(-1);
      return;
    }
    out.appendInt(text.length());
    ByteBuffer units = ByteBuffer.allocate(text.length() * 2);
    units.asCharBuffer().put(text);
    out.appendBytes(units.array());
  }

  /** Reads the messages back, from a position on. */
  static final class Reader {

    private final Buffer in;
    private int pos;

    Reader(Buffer in, int pos) {
      this.in = in;
      this.pos = pos;
    }

    InferRequest inferRequest() {
      String id = string();
      long now = System.nanoTime();
      long arrival = now - readLong();
      long deadline = now + readLong();
      List<Tensor> inputs = tensors();
      int count = readInt();
      List<String> outputs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        outputs.add(string());
      }
      return new InferRequest(id, inputs, List.copyOf(outputs), arrival, deadline,
          new Cancellation());
    }

    InferResult inferResult() {
      return new InferResult(tensors());
    }

    PredictRequest predictRequest() {
      String id = string();
      long now = System.nanoTime();
      long arrival = now - readLong();
      long deadline = now + readLong();
      int count = readInt();
      List<Map<String, Double>> instances = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int features = readInt();
        Map<String, Double> instance = new HashMap<>();
        for (int j = 0; j < features; j++) {
          String feature = string();
          boolean present = in.getByte(pos++) == 1;
          double value = in.getDouble(pos);
          pos += 8;
          instance.put(feature, present ? value : null);
        }
        instances.add(instance);
      }
      return new PredictRequest(id, instances, arrival, deadline, new Cancellation());
    }

    PredictResult predictResult() {
      return new PredictResult(new JsonArray(string()));
    }

    ModelStatus status() {
      ModelState state = ModelState.values()[in.getByte(pos++)];
      String version = string();
      Optional<String> error = Optional.ofNullable(string());
      Optional<ModelStatus.Loaded> loaded = Optional.empty();
      if (in.getByte(pos++) == 1) {
        ModelSignature signature = new ModelSignature(specs(), specs());
        long loadTimeMs = readLong();
        Instant loadedAt = Instant.ofEpochMilli(readLong());
        loaded = Optional.of(new ModelStatus.Loaded(signature, loadTimeMs, loadedAt, readInt()));
      }
      return new ModelStatus(state, version, error, loaded);
    }

    private List<TensorSpec> specs() {
      int count = readInt();
      List<TensorSpec> specs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        specs.add(new TensorSpec(string(), DataType.values()[in.getByte(pos++)], shape()));
      }
      return specs;
    }

    private List<Tensor> tensors() {
      int count = readInt();
      List<Tensor> tensors = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = string();
        DataType type = DataType.values()[in.getByte(pos++)];
        long[] shape = shape();
        tensors.add(new Tensor(name, type, shape, data(type)));
      }
      return List.copyOf(tensors);
    }

    private long[] shape() {
      long[] shape = new long[readInt()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = readLong();
      }
      return shape;
    }

    private Object data(DataType type) {
      int length = readInt();
      Object array = type.newArray(length);
      if (array instanceof String[] strings) {
        for (int i = 0; i < length; i++) {
          strings[i] = string();
        }
        return strings;
      }
      int size = length * Math.max(1, type.size());
      ByteBuffer bytes = ByteBuffer.wrap(in.getBytes(pos, pos + size))
          .order(ByteOrder.LITTLE_ENDIAN);
      pos += size;
      if (array instanceof boolean[] values) {
        for (int i = 0; i < length; i++) {
          values[i] = bytes.get(i) != 0;
        }
      } else if (array instanceof byte[] values) {
        bytes.get(values);
      } else if (array instanceof short[] values) {
        bytes.asShortBuffer().get(values);
      } else if (array instanceof int[] values) {
        bytes.asIntBuffer().get(values);
      } else if (array instanceof long[] values) {
        bytes.asLongBuffer().get(values);
      } else if (array instanceof float[] values) {
        bytes.asFloatBuffer().get(values);
      } else if (array instanceof double[] values) {
        bytes.asDoubleBuffer().get(values);
      }
      return array;
    }

    private String string() {
      int length = readInt();
      if (length < 0) {
        return null;
      }
      char[] units = new char[length];
      ByteBuffer.wrap(in.getBytes(pos, pos + length * 2)).asCharBuffer().get(units);
      pos += length * 2;
      return new String(units);
    }

    private int readInt() {
      int value = in.getInt(pos);
      pos += 4;
      return value;
    }

    private long readLong() {
      long value = in.getLong(pos);
      pos += 8;
      return value;
    }
  }
}
