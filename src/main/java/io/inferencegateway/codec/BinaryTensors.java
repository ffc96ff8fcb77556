package io.inferencegateway.codec;

import io.inferencegateway.model.DataType;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.Tensor;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The binary tensor encoding: little-endian, row-major, no padding; BOOL one byte per element;
 * BYTES each element a 4-byte little-endian length and then its bytes. Fixed-size elements are
 * copied in bulk through a byte-order view, never one by one.
 */
final class BinaryTensors {

  private BinaryTensors() {
  }

  /**
   * {@code count} elements from {@code size} bytes at {@code offset}; the caller has checked that
   * the bytes are there and, for fixed-size types, that they are {@code count} elements' worth.
   */
  static Object read(DataType type, int count, byte[] bytes, int offset, int size, String where) {
    if (type == DataType.BYTES) {
      return strings(count, bytes, offset, size, where);
    }
    Object data = type.newArray(count);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FP32 -> in.asFloatBuffer().get((float[]) data);
      case FP64 -> in.asDoubleBuffer().get((double[]) data);
      case INT32 -> in.asIntBuffer().get((int[]) data);
      case INT64 -> in.asLongBuffer().get((long[]) data);
      case INT16, FP16, BF16 -> in.asShortBuffer().get((short[]) data);
      case UINT8, INT8 -> in.get((byte[]) data);
      case BOOL -> {
        boolean[] values = (boolean[]) data;
        for (int i = 0; i < count; i++) {
          values[i] = in.get() != 0;
        }
      }
      default -> throw new IllegalArgumentException("not a carried datatype: " + type);
    }
    return data;
  }

  /** A tensor's binary encoding. */
  static byte[] encode(Tensor tensor) {
    if (tensor.datatype() == DataType.BYTES) {
      Buffer out = Buffer.buffer();
      for (String text : (String[]) tensor.data()) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.appendIntLE(utf8.length).appendBytes(utf8);
      }
      return out.getBytes();
    }
    byte[] bytes = new byte[Math.toIntExact(
        Tensor.elementCount(tensor.shape()) * tensor.datatype().size())];
    ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.datatype()) {
      case FP32 -> view.asFloatBuffer().put((float[]) tensor.data());
      case FP64 -> view.asDoubleBuffer().put((double[]) tensor.data());
      case INT32 -> view.asIntBuffer().put((int[]) tensor.data());
      case INT64 -> view.asLongBuffer().put((long[]) tensor.data());
      case INT16, FP16, BF16 -> view.asShortBuffer().put((short[]) tensor.data());
      case UINT8, INT8 -> view.put((byte[]) tensor.data());
      case BOOL -> {
        boolean[] values = (boolean[]) tensor.data();
        for (int i = 0; i < values.length; i++) {
          bytes[i] = (byte) (values[i] ? 1 : 0);
        }
      }
      default -> throw new IllegalArgumentException("not a carried datatype: " + tensor.datatype());
    }
    return bytes;
  }

  private static String[] strings(int count, byte[] bytes, int offset, int size, String where) {
    // Each element takes its 4-byte length at least: a bound before anything is allocated.
    if (count > size / 4) {
      throw RequestFailure.badRequest(where + ": " + size + " bytes cannot hold " + count
          + " BYTES elements");
    }
    String[] values = new String[count];
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 4) {
        throw RequestFailure.badRequest(where + ": binary data ends before BYTES element " + i
            + " of " + count);
      }
      long length = Integer.toUnsignedLong(in.getInt());
      if (length > in.remaining()) {
        throw RequestFailure.badRequest(where + ": BYTES element " + i + " claims " + length
            + " bytes, but only " + in.remaining() + " are left");
      }
      values[i] = text(bytes, in.position(), (int) length, where + ": BYTES element " + i);
      in.position(in.position() + (int) length);
    }
    if (in.hasRemaining()) {
      throw RequestFailure.badRequest(where + ": binary_data_size is " + size + " bytes, but its "
          + count + " BYTES elements take " + (size - in.remaining()));
    }
    return values;
  }

  /**
   * One BYTES element as text: ONNX Runtime's Java API carries string tensors as Java strings,
   * so the bytes must be valid UTF-8.
   */
  static String text(byte[] bytes, int offset, int length, String where) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    } catch (CharacterCodingException e) {
      throw RequestFailure.badRequest(where + " is not valid UTF-8, which ONNX Runtime's "
          + "string tensors require");
    }
  }
}
