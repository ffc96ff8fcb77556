package io.inferencegateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.config.OnnxConfig;
import io.inferencegateway.config.OnnxConfig.ExecutionMode;
import io.inferencegateway.config.OnnxConfig.OptimizationLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A model's ONNX Runtime settings reach its session")
class OnnxModelTest {

  private static final Path MLP = Path.of("conf/models/mlp/1/model.onnx");

  /**
   * ONNX Runtime's intra-op pool holds n - 1 native threads of its own (the caller is the n-th),
   * made when the session is created: the process's thread count shows the setting took effect.
   */
  @Test
  void intraOpThreadsDecideTheThreadsASessionStarts() throws Exception {
    long before = processThreads();
    try (OnnxModel single = OnnxModel.open(MLP, onnx(1, ExecutionMode.SEQUENTIAL))) {
      long withSingle = processThreads() - before;
      try (OnnxModel four = OnnxModel.open(MLP, onnx(4, ExecutionMode.SEQUENTIAL))) {
        long withFour = processThreads() - before - withSingle;
        assertThat(withSingle).as("threads a one-thread session starts").isZero();
        assertThat(withFour).as("threads a four-thread session starts").isEqualTo(3);
      }
    }
  }

  @Test
  void everyExecutionModeAndOptimizationLevelOpensTheModel() throws Exception {
    for (ExecutionMode mode : ExecutionMode.values()) {
      for (OptimizationLevel level : OptimizationLevel.values()) {
        OnnxConfig config = new OnnxConfig(1, 2, mode, level, true);
        try (OnnxModel model = OnnxModel.open(MLP, config)) {
          assertThat(model.signature().inputs()).as("%s %s", mode, level).hasSize(1);
        }
      }
    }
  }

  private static OnnxConfig onnx(int intraOpThreads, ExecutionMode mode) {
    return new OnnxConfig(intraOpThreads, 1, mode, null, null);
  }

  private static long processThreads() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.count();
    }
  }
}
