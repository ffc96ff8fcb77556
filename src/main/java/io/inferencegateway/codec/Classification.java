package io.inferencegateway.codec;

import io.inferencegateway.model.DataType;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.Tensor;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The classification extension: an output replaced by its top classes, each a BYTES element
 * {@code "score:index"} or, when the model's mapping names the class, {@code "score:index:label"},
 * best first. A tensor of rank 2 or more is a batch: its first dimension stays and the rest is
 * one row of classes per entry.
 */
public final class Classification {

  private Classification() {
  }

  public static Tensor top(Tensor output, int count, List<String> labels) {
    DataType type = output.datatype();
    if (type == DataType.BOOL || type == DataType.BYTES) {
      throw RequestFailure.badRequest("output '" + output.name() + "' is " + type
          + "; classification needs a numeric output");
    }
    long[] shape = output.shape();
    int elements = Math.toIntExact(Tensor.elementCount(shape));
    int rows = shape.length >= 2 ? (int) shape[0] : 1;
    int classes = rows == 0 ? 0 : elements / rows;
    int kept = Math.min(count, classes);
    String[] top = new String[rows * kept];
    for (int row = 0; row < rows; row++) {
      int first = row * classes;
      int[] best = IntStream.range(0, classes).boxed()
          .sorted(Comparator.comparingDouble(
              (Integer i) -> -Elements.number(type, output.data(), first + i)))
          .limit(kept).mapToInt(Integer::intValue).toArray();
      for (int k = 0; k < kept; k++) {
        int index = best[k];
        String entry = String.format(Locale.ROOT, "%f:%d",
            Elements.number(type, output.data(), first + index), index);
        top[row * kept + k] = index < labels.size() ? entry + ":" + labels.get(index) : entry;
      }
    }
    long[] topShape = shape.length >= 2 ? new long[] {rows, kept} : new long[] {kept};
    return new Tensor(output.name(), DataType.BYTES, topShape, top);
  }
}
