package io.inferencegateway.model;

import java.util.Arrays;

/**
 * A named tensor in row-major order. {@code data} is a primitive array matching the datatype:
 * {@code boolean[]} for BOOL, {@code int[]} for INT32, {@code long[]} for INT64, {@code float[]}
 * for FP32 and {@code double[]} for FP64.
 */
public record Tensor(String name, DataType datatype, long[] shape, Object data) {

  /** The number of elements a shape describes; callers have checked it does not overflow. */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  @Override
  public String toString() {
    return name + " " + datatype + " " + Arrays.toString(shape);
  }
}
