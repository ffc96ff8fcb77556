package io.inferencegateway.model;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Requests joined along their first dimension for one run, and the run's outputs split back. A
 * batched answer holds the same values as separate runs would: the rows are only laid end to end.
 */
final class TensorBatch {

  private TensorBatch() {
  }

  /** The rows of a request: the first dimension all its inputs share, or 0 when they share none. */
  static long rows(InferRequest request) {
    long rows = 0;
    for (Tensor input : request.inputs()) {
      long[] shape = input.shape();
      if (shape.length == 0 || shape[0] < 1 || (rows > 0 && shape[0] != rows)) {
        return 0;
      }
      rows = shape[0];
    }
    return rows;
  }

  /**
   * Whether two requests can run as one: the same inputs, datatypes and dimensions after the
   * first, and the same outputs asked for.
   */
  static boolean compatible(InferRequest a, InferRequest b) {
    if (a.inputs().size() != b.inputs().size() || !a.outputs().equals(b.outputs())) {
      return false;
    }
    for (Tensor x : a.inputs()) {
      Tensor y = input(b, x.name());
      if (y == null || y.datatype() != x.datatype() || !sameAfterFirst(x.shape(), y.shape())) {
        return false;
      }
    }
    return true;
  }

  /** One request holding the parts' rows in order; the parts are compatible. */
  static InferRequest join(List<InferRequest> parts) {
    InferRequest first = parts.get(0);
    long total = parts.stream().mapToLong(TensorBatch::rows).sum();
    List<Tensor> inputs = new ArrayList<>(first.inputs().size());
    for (Tensor input : first.inputs()) {
      long[] shape = input.shape().clone();
      shape[0] = total;
      Object data = Array.newInstance(input.data().getClass().getComponentType(),
          Math.toIntExact(Tensor.elementCount(shape)));
      int at = 0;
      for (InferRequest part : parts) {
        Object rows = input(part, input.name()).data();
        int length = Array.getLength(rows);
        System.arraycopy(rows, 0, data, at, length);
        at += length;
      }
      inputs.add(new Tensor(input.name(), input.datatype(), shape, data));
    }
    return new InferRequest(first.requestId(), inputs, first.outputs(), first.arrivalNanos(),
        first.deadlineNanos(), first.cancellation());
  }

  /**
   * The joined run's outputs cut back into one result per part; empty when an output does not
   * have one row per input row, so the parts must run one by one.
   */
  static Optional<List<InferResult>> split(InferResult joined, List<InferRequest> parts) {
    long total = parts.stream().mapToLong(TensorBatch::rows).sum();
    for (Tensor output : joined.outputs()) {
      if (output.shape().length == 0 || output.shape()[0] != total) {
        return Optional.empty();
      }
    }
    List<InferResult> results = new ArrayList<>(parts.size());
    long row = 0;
    for (InferRequest part : parts) {
      long rows = rows(part);
      List<Tensor> outputs = new ArrayList<>(joined.outputs().size());
      for (Tensor output : joined.outputs()) {
        int perRow = Math.toIntExact(Tensor.elementCount(output.shape()) / total);
        long[] shape = output.shape().clone();
        shape[0] = rows;
        Object data = Array.newInstance(output.data().getClass().getComponentType(),
            Math.toIntExact(rows * perRow));
        System.arraycopy(output.data(), Math.toIntExact(row * perRow), data, 0,
            Array.getLength(data));
        outputs.add(new Tensor(output.name(), output.datatype(), shape, data));
      }
      results.add(new InferResult(outputs));
      row += rows;
    }
    return Optional.of(results);
  }

  private static Tensor input(InferRequest request, String name) {
    for (Tensor input : request.inputs()) {
      if (input.name().equals(name)) {
        return input;
      }
    }
    return null;
  }

  private static boolean sameAfterFirst(long[] a, long[] b) {
    return a.length == b.length && Arrays.equals(a, 1, a.length, b, 1, b.length);
  }
}
