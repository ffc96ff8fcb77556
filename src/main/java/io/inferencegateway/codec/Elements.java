package io.inferencegateway.codec;

import ai.onnxruntime.platform.Fp16Conversions;
import io.inferencegateway.model.DataType;

/**
 * What a JSON value may be for each datatype, and how it is stored in the datatype's array:
 * integers within the type's range, FP16 and BF16 as their 16 bits (converted by ONNX Runtime's
 * own routines, so the gateway rounds as the runtime does).
 */
final class Elements {

  /** FP16's largest finite value. */
  private static final double FP16_MAX = 65504;

  private Elements() {
  }

  static boolean isInteger(DataType type) {
    return switch (type) {
      case UINT8, INT8, INT16, INT32, INT64 -> true;
      default -> false;
    };
  }

  /** The smallest value of an integer datatype. */
  static long min(DataType type) {
    return switch (type) {
      case UINT8 -> 0;
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  /** The largest value of an integer datatype. */
  static long max(DataType type) {
    return switch (type) {
      case UINT8 -> 255;
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }

  /** Stores an integer already checked against the datatype's range. */
  static void storeInteger(DataType type, Object array, int index, long value) {
    switch (type) {
      case UINT8, INT8 -> ((byte[]) array)[index] = (byte) value;
      case INT16 -> ((short[]) array)[index] = (short) value;
      case INT32 -> ((int[]) array)[index] = (int) value;
      default -> ((long[]) array)[index] = value;
    }
  }

  /** The largest magnitude a floating-point datatype holds without becoming infinite. */
  static double maxMagnitude(DataType type) {
    return switch (type) {
      case FP16 -> FP16_MAX;
      case FP64 -> Double.MAX_VALUE;
      default -> Float.MAX_VALUE;
    };
  }

  /** The 16 bits of an FP16 or BF16 value. */
  static short halfBits(DataType type, float value) {
    return type == DataType.FP16 ? Fp16Conversions.floatToFp16(value)
        : Fp16Conversions.floatToBf16(value);
  }

  /** The value of FP16 or BF16 bits. */
  static float halfValue(DataType type, short bits) {
    return type == DataType.FP16 ? Fp16Conversions.fp16ToFloat(bits)
        : Fp16Conversions.bf16ToFloat(bits);
  }

  /** Element {@code index} of a numeric tensor's array as a double. */
  static double number(DataType type, Object array, int index) {
    return switch (type) {
      case FP32 -> ((float[]) array)[index];
      case FP64 -> ((double[]) array)[index];
      case FP16, BF16 -> halfValue(type, ((short[]) array)[index]);
      case INT16 -> ((short[]) array)[index];
      case INT32 -> ((int[]) array)[index];
      case INT64 -> ((long[]) array)[index];
      case INT8 -> ((byte[]) array)[index];
      case UINT8 -> ((byte[]) array)[index] & 0xFF;
      default -> throw new IllegalArgumentException("not a numeric datatype: " + type);
    };
  }
}
