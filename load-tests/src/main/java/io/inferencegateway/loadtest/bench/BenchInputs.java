package io.inferencegateway.loadtest.bench;

import java.util.Random;

/**
 * The input values of the benchmark, shared by the payload generator (gateway runs) and the
 * in-process ONNX Runtime runs, so both compute on the same numbers: a {@link Random} seeded with
 * the model name, values in [0.1, 7.9] with one decimal (the range of the Iris measurements).
 */
public final class BenchInputs {

  private BenchInputs() {
  }

  /** The first {@code count} values for {@code model}, in row-major order. */
  public static double[] values(String model, int count) {
    Random random = new Random(model.hashCode());
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = (1 + random.nextInt(79)) / 10.0;
    }
    return values;
  }

  public static float[] floats(String model, int count) {
    double[] values = values(model, count);
    float[] floats = new float[count];
    for (int i = 0; i < count; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }
}
