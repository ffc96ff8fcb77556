package io.inferencegateway.demo;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the two larger MLPs of the benchmark ({@code load-tests/bench/bench.sh}) under
 * {@code <dir>/<name>/1/model.onnx}: {@code mlp-64-256} (64-256-256-10) and {@code mlp-256-1024}
 * (256-1024-1024-10), built by {@link TensorModels#mlp} from a fixed seed, so every run writes the
 * same bytes. They are not demo models: at 0.3 and 5.3 MB they stay out of {@code conf/models}.
 * <p>
 * Run with {@code mvn -q -B test-compile exec:java@bench-models}, which passes
 * {@code target/bench-models}.
 */
public final class BenchModels {

  private static final long SEED = 1234L;

  private BenchModels() {
  }

  /**
   * Writes the two models.
   *
   * @param args one argument: the output directory (created if missing)
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BenchModels <output directory>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    write(TensorModels.mlp(64, 256, 10, SEED), dir, "mlp-64-256");
    write(TensorModels.mlp(256, 1024, 10, SEED), dir, "mlp-256-1024");
  }

  private static void write(OnnxMl.ModelProto model, Path dir, String name) throws IOException {
    Path file = Files.createDirectories(dir.resolve(name).resolve("1")).resolve("model.onnx");
    Files.write(file, model.toByteArray());
    System.out.println(name + " -> " + file + " (" + Files.size(file) + " bytes)");
  }
}
