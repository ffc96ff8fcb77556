package io.inferencegateway.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferencegateway.model.DataType;
import io.inferencegateway.model.Tensor;
import java.io.IOException;

/**
 * One tensor's {@code data} read from the JSON stream into the primitive array of its datatype:
 * flat, or nested exactly as the shape says. Any departure from a well-formed tensor (a value
 * that does not fit the datatype, a count or nesting that does not match the shape) makes it give
 * up, so that the tree reader can name the problem.
 */
final class TensorReader {

  private final DataType type;
  private final Object array;
  private final int count;
  private int filled;

  private TensorReader(DataType type, int count) {
    this.type = type;
    this.count = count;
    this.array = type.newArray(count);
  }

  /**
   * The data whose opening bracket is the parser's current token, or null. At most
   * {@code maxElements} are expected, so that a shape cannot make it allocate more than the body
   * could hold.
   */
  static Object read(JsonParser parser, DataType type, long[] shape, long maxElements)
      throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    long count;
    try {
      count = Tensor.elementCount(shape);
    } catch (ArithmeticException e) {
      return null;
    }
    if (count > maxElements) {
      return null;
    }
    TensorReader reader = new TensorReader(type, (int) count);
    JsonToken first = parser.nextToken();
    boolean read = first == JsonToken.START_ARRAY
        ? reader.level(parser, shape, 0, first) : reader.flat(parser, first);
    return read && reader.filled == reader.count ? reader.array : null;
  }

  private boolean flat(JsonParser parser, JsonToken first) throws IOException {
    for (JsonToken token = first; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (!put(parser, token)) {
        return false;
      }
    }
    return true;
  }

  /** The rest of an array at {@code depth} whose first item is {@code token}. */
  private boolean level(JsonParser parser, long[] shape, int depth, JsonToken first)
      throws IOException {
    if (depth >= shape.length) {
      return false;
    }
    boolean innermost = depth == shape.length - 1;
    long items = 0;
    for (JsonToken token = first; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      boolean read = innermost ? put(parser, token)
          : token == JsonToken.START_ARRAY && level(parser, shape, depth + 1, parser.nextToken());
      if (!read) {
        return false;
      }
      items++;
    }
    return items == shape[depth];
  }

  private boolean put(JsonParser parser, JsonToken token) throws IOException {
    if (filled == count) {
      return false;
    }
    switch (type) {
      case FP32 -> {
        if (!token.isNumeric()) {
          return false;
        }
        // Through double, as the tree reader converts, so both give the same float.
        double value = parser.getDoubleValue();
        if (Math.abs(value) > Float.MAX_VALUE) {
          return false;
        }
        ((float[]) array)[filled] = (float) value;
      }
      case FP64 -> {
        if (!token.isNumeric()) {
          return false;
        }
        ((double[]) array)[filled] = parser.getDoubleValue();
      }
      case FP16, BF16 -> {
        if (!token.isNumeric()) {
          return false;
        }
        double value = parser.getDoubleValue();
        if (Math.abs(value) > Elements.maxMagnitude(type)) {
          return false;
        }
        ((short[]) array)[filled] = Elements.halfBits(type, (float) value);
      }
      case BOOL -> {
        if (!token.isBoolean()) {
          return false;
        }
        ((boolean[]) array)[filled] = token == JsonToken.VALUE_TRUE;
      }
      case BYTES -> {
        if (token != JsonToken.VALUE_STRING) {
          return false;
        }
        ((String[]) array)[filled] = parser.getText();
      }
      default -> {
        if (token != JsonToken.VALUE_NUMBER_INT
            || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return false;
        }
        long value = parser.getLongValue();
        if (value < Elements.min(type) || value > Elements.max(type)) {
          return false;
        }
        Elements.storeInteger(type, array, filled, value);
      }
    }
    filled++;
    return true;
  }
}
