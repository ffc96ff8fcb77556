package io.inferencegateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;

import io.inferencegateway.config.OnnxConfig;
import io.inferencegateway.config.OnnxConfig.ExecutionMode;
import io.inferencegateway.config.OnnxConfig.OptimizationLevel;
import io.inferencegateway.demo.TensorModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A model's ONNX Runtime settings reach its session, and its runs answer right")
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

  /**
   * Inputs and outputs kept between runs give the answers fresh tensors would: every datatype
   * with a buffer form, row counts that change from run to run (so the kept tensors are remade),
   * a tensor too large to keep, and runs from two threads.
   */
  @Test
  void keptTensorsGiveTheAnswersOfFreshOnes(@TempDir Path dir) throws Exception {
    Map<String, OnnxMl.TensorProto.DataType> types = new LinkedHashMap<>();
    types.put("bool", OnnxMl.TensorProto.DataType.BOOL);
    types.put("uint8", OnnxMl.TensorProto.DataType.UINT8);
    types.put("int8", OnnxMl.TensorProto.DataType.INT8);
    types.put("int16", OnnxMl.TensorProto.DataType.INT16);
    types.put("int32", OnnxMl.TensorProto.DataType.INT32);
    types.put("int64", OnnxMl.TensorProto.DataType.INT64);
    types.put("fp16", OnnxMl.TensorProto.DataType.FLOAT16);
    types.put("fp32", OnnxMl.TensorProto.DataType.FLOAT);
    types.put("fp64", OnnxMl.TensorProto.DataType.DOUBLE);
    Path file = dir.resolve("pass-through.onnx");
    Files.write(file, TensorModels.passThrough("pass_through", types, "test").toByteArray());
    Random random = new Random(7);
    try (OnnxModel model = OnnxModel.open(file, onnx(1, ExecutionMode.SEQUENTIAL))) {
      // 100 000 rows of 3 FP64 are 2.4 MB: run with fresh tensors.
      for (int rows : new int[] {1, 1, 4, 1, 100_000, 2}) {
        List<Tensor> inputs = model.signature().inputs().stream()
            .map(spec -> randomTensor(random, spec, rows)).toList();
        InferResult result = model.run(request(inputs));
        for (int i = 0; i < inputs.size(); i++) {
          Tensor in = inputs.get(i);
          Tensor out = result.outputs().get(i);
          assertThat(out.name()).isEqualTo("y_" + in.name().substring(2));
          assertThat(out.datatype()).isEqualTo(in.datatype());
          assertThat(out.shape()).as("%s, %s rows", out.name(), rows).containsExactly(rows, 3);
          assertThat(out.data()).as("%s, %s rows", out.name(), rows).isEqualTo(in.data());
        }
      }
      Tensor x = randomTensor(random, model.signature().inputs().get(7), 3);
      List<Tensor> inputs = model.signature().inputs().stream()
          .map(spec -> spec.name().equals("x_fp32") ? x : randomTensor(random, spec, 3)).toList();
      CompletableFuture<InferResult> other =
          CompletableFuture.supplyAsync(() -> model.run(request(inputs)));
      assertThat(other.get().outputs().get(7).data()).isEqualTo(x.data());
      assertThat(model.run(request(inputs)).outputs().get(7).data()).isEqualTo(x.data());
      assertThat(model.pinsOutputs()).isTrue();
    }
  }

  /**
   * An output not shaped as declared cannot be written into a tensor made from the declaration:
   * the run is made again with fresh tensors and answers right, and the model's later runs use
   * fresh ones. A request the model rejects leaves kept tensors in use.
   */
  @Test
  void anOutputNotShapedAsDeclaredIsAnsweredByARunWithFreshTensors(@TempDir Path dir)
      throws Exception {
    Path lookupFile = dir.resolve("lookup.onnx");
    Files.write(lookupFile, TensorModels.tableLookup(10, 3).toByteArray());
    try (OnnxModel lookup = OnnxModel.open(lookupFile, onnx(1, ExecutionMode.SEQUENTIAL))) {
      Tensor outside = new Tensor("index", DataType.INT64, new long[] {1, 1}, new long[] {12});
      assertThatThrownBy(() -> lookup.run(request(List.of(outside))))
          .isInstanceOf(RequestFailure.class);
      Tensor inside = new Tensor("index", DataType.INT64, new long[] {1, 1}, new long[] {2});
      assertThat(lookup.run(request(List.of(inside))).outputs().get(0).data())
          .isEqualTo(new float[] {20, 21, 22});
      assertThat(lookup.pinsOutputs()).as("kept tensors after a rejected request").isTrue();
    }
    Path twiceFile = dir.resolve("rows-twice.onnx");
    Files.write(twiceFile, TensorModels.rowsTwice().toByteArray());
    try (OnnxModel twice = OnnxModel.open(twiceFile, onnx(1, ExecutionMode.SEQUENTIAL))) {
      Tensor x = new Tensor("x", DataType.FP32, new long[] {1, 3}, new float[] {1, 2, 3});
      for (int run = 0; run < 2; run++) {
        Tensor y = twice.run(request(List.of(x))).outputs().get(0);
        assertThat(y.shape()).as("run %s", run).containsExactly(2, 3);
        assertThat(y.data()).as("run %s", run).isEqualTo(new float[] {1, 2, 3, 1, 2, 3});
      }
      assertThat(twice.pinsOutputs()).isFalse();
    }
  }

  private static InferRequest request(List<Tensor> inputs) {
    return new InferRequest("test", inputs, List.of(), 0, Long.MAX_VALUE, new Cancellation());
  }

  private static Tensor randomTensor(Random random, TensorSpec spec, int rows) {
    int n = rows * 3;
    Object data = spec.datatype().newArray(n);
    for (int i = 0; i < n; i++) {
      switch (spec.datatype()) {
        case BOOL -> ((boolean[]) data)[i] = random.nextBoolean();
        case UINT8, INT8 -> ((byte[]) data)[i] = (byte) random.nextInt();
        case INT16, FP16 -> ((short[]) data)[i] = (short) random.nextInt(0x7c00);
        case INT32 -> ((int[]) data)[i] = random.nextInt();
        case INT64 -> ((long[]) data)[i] = random.nextLong();
        case FP32 -> ((float[]) data)[i] = random.nextFloat();
        case FP64 -> ((double[]) data)[i] = random.nextDouble();
        default -> throw new IllegalArgumentException(spec.datatype().toString());
      }
    }
    return new Tensor(spec.name(), spec.datatype(), new long[] {rows, 3}, data);
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
