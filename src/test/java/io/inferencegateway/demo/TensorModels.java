package io.inferencegateway.demo;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Builds the two demo models that are plain tensor functions rather than trained Tribuo models:
 * {@code mlp} (random weights, FP32), {@code type-mix} (one trivial op per datatype it uses) and
 * {@code datatypes} (a copy of every carried datatype).
 * Both are fully deterministic, down to the bytes of the serialized model. Also builds the
 * deliberately slow model that tests of busy and stuck models load from a temporary folder.
 */
public final class TensorModels {

  /** Producer name written into every model built here. */
  static final String PRODUCER = "inference-gateway demo";

  /** Model domain, a reverse-DNS namespace as ONNX recommends. */
  static final String DOMAIN = "io.inferencegateway.demo";

  /**
   * IR version 7 is the one that came with opset 13 (ONNX 1.8); every ONNX Runtime that runs
   * opset 13 reads it.
   */
  static final long IR_VERSION = 7;

  /** Name of the symbolic batch dimension, the same one Tribuo's exporter uses. */
  private static final String BATCH = "batch";

  private TensorModels() {
  }

  /**
   * A multi-layer perceptron: input [-1, inputs] → Gemm+Relu (hidden) → Gemm+Relu (hidden) → Gemm →
   * Softmax → output [-1, outputs]. Weights and biases are Gaussian * 0.3 drawn from {@code new Random(seed)},
   * layer by layer, weights (row-major, [in, out]) before biases.
   */
  static OnnxMl.ModelProto mlp(int inputs, int hidden, int outputs, long seed) {
    Random random = new Random(seed);
    ONNXContext context = new ONNXContext();
    context.setName("mlp");

    ONNXPlaceholder input = context.floatInput("input", inputs);
    ONNXRef<?> layer = dense(context, "hidden1", input, inputs, hidden, random).apply(ExtraOperators.RELU, "hidden1_relu");
    layer = dense(context, "hidden2", layer, hidden, hidden, random).apply(ExtraOperators.RELU, "hidden2_relu");
    ONNXRef<?> probabilities = dense(context, "logits", layer, hidden, outputs, random).apply(ONNXOperators.SOFTMAX, "softmax");

    // Operation outputs get a "_0" suffix to keep names unique ("softmax_0"); an Identity node copies the
    // result into the graph output so that clients see the plain name "output".
    probabilities.assignTo(context.floatOutput("output", outputs));
    return model(context.buildGraph(),
        "MLP " + inputs + "-" + hidden + "-" + hidden + "-" + outputs
            + " with ReLU and softmax, random weights (seed " + seed + "); not trained.");
  }

  /**
   * A model that is slow on purpose: input [-1, width] through {@code layers} rounds of one shared
   * width x width Gemm and a Sigmoid, output {@code output} [-1, width]. Compute grows with the
   * batch while the request stays small, so tests can keep a worker busy for a chosen time.
   */
  public static OnnxMl.ModelProto slowChain(int width, int layers) {
    Random random = new Random(width * 31L + layers);
    ONNXContext context = new ONNXContext();
    context.setName("slow_chain");
    ONNXInitializer weights = context.floatTensor("W", List.of(width, width),
        buffer -> fillGaussian(buffer, width * width, random));
    ONNXRef<?> layer = context.floatInput("input", width);
    for (int i = 0; i < layers; i++) {
      layer = layer.apply(ONNXOperators.GEMM, List.of(weights), "gemm" + i)
          .apply(ONNXOperators.SIGMOID, "sigmoid" + i);
    }
    layer.assignTo(context.floatOutput("output", width));
    return model(context.buildGraph(), "Slow test model: " + layers + " rounds of Gemm and Sigmoid.");
  }

  /** One fully connected layer without activation: x · W + b, as a single Gemm node. */
  private static ONNXRef<?> dense(ONNXContext context, String name, ONNXRef<?> x, int in, int out, Random random) {
    ONNXInitializer weights = context.floatTensor(name + "_W", List.of(in, out), buffer -> fillGaussian(buffer, in * out, random));
    ONNXInitializer bias = context.floatTensor(name + "_b", List.of(out), buffer -> fillGaussian(buffer, out, random));
    return x.apply(ONNXOperators.GEMM, List.of(weights, bias), name);
  }

  private static void fillGaussian(FloatBuffer buffer, int count, Random random) {
    for (int i = 0; i < count; i++) {
      buffer.put((float) (random.nextGaussian() * 0.3));
    }
  }

  /**
   * A model whose four inputs and outputs use FP64, INT64, INT32 and BOOL, so that the gateway's
   * datatype conversions can be tested against known results:
   * y_fp64 = x_fp64 * 2, y_int64 = x_int64 + 1, y_int32 = x_int32 * 3, y_bool = not x_bool, all [-1, 3].
   * <p>
   * Tribuo's ONNXContext only declares FP32 graph inputs and outputs, so this graph is written
   * directly with the ONNX protobuf classes.
   */
  static OnnxMl.ModelProto typeMix() {
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("type_mix");

    graph.addInput(tensorInfo("x_fp64", DataType.DOUBLE, 3));
    graph.addInput(tensorInfo("x_int64", DataType.INT64, 3));
    graph.addInput(tensorInfo("x_int32", DataType.INT32, 3));
    graph.addInput(tensorInfo("x_bool", DataType.BOOL, 3));

    // Scalar constants broadcast over the whole batch; each has its input's element type,
    // because ONNX arithmetic does not promote types.
    graph.addInitializer(OnnxMl.TensorProto.newBuilder()
        .setName("two_fp64").setDataType(DataType.DOUBLE_VALUE).addDoubleData(2.0));
    graph.addInitializer(OnnxMl.TensorProto.newBuilder()
        .setName("one_int64").setDataType(DataType.INT64_VALUE).addInt64Data(1L));
    graph.addInitializer(OnnxMl.TensorProto.newBuilder()
        .setName("three_int32").setDataType(DataType.INT32_VALUE).addInt32Data(3));

    graph.addNode(node("Mul", "mul_fp64", "y_fp64", "x_fp64", "two_fp64"));
    graph.addNode(node("Add", "add_int64", "y_int64", "x_int64", "one_int64"));
    graph.addNode(node("Mul", "mul_int32", "y_int32", "x_int32", "three_int32"));
    graph.addNode(node("Not", "not_bool", "y_bool", "x_bool"));

    graph.addOutput(tensorInfo("y_fp64", DataType.DOUBLE, 3));
    graph.addOutput(tensorInfo("y_int64", DataType.INT64, 3));
    graph.addOutput(tensorInfo("y_int32", DataType.INT32, 3));
    graph.addOutput(tensorInfo("y_bool", DataType.BOOL, 3));

    return model(graph.build(),
        "Datatype test model: y_fp64 = x_fp64 * 2, y_int64 = x_int64 + 1, "
            + "y_int32 = x_int32 * 3, y_bool = not x_bool; all shapes [batch, 3].");
  }

  /**
   * A model that passes through one tensor of every common datatype the gateway carries, so that
   * each can be sent and returned in JSON and binary: y_T = x_T for T in bool, uint8, int8, int16,
   * int32, int64, fp16, fp32, fp64 and bytes (an ONNX string tensor), all [batch, 3]. BF16 is
   * left out: Triton's client sends it only in binary and KServe's not at all.
   */
  static OnnxMl.ModelProto datatypes() {
    Map<String, DataType> types = new LinkedHashMap<>();
    types.put("bool", DataType.BOOL);
    types.put("uint8", DataType.UINT8);
    types.put("int8", DataType.INT8);
    types.put("int16", DataType.INT16);
    types.put("int32", DataType.INT32);
    types.put("int64", DataType.INT64);
    types.put("fp16", DataType.FLOAT16);
    types.put("fp32", DataType.FLOAT);
    types.put("fp64", DataType.DOUBLE);
    types.put("bytes", DataType.STRING);
    return passThrough("datatypes", types, "Datatype test model: y_T = x_T for every datatype the "
        + "gateway carries; all shapes [batch, 3].");
  }

  /** y_T = x_T for each named element type T, all [batch, 3]. */
  public static OnnxMl.ModelProto passThrough(String name, Map<String, DataType> types,
      String description) {
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName(name);
    types.forEach((type, elements) -> graph
        .addInput(tensorInfo("x_" + type, elements, 3))
        .addNode(node("Identity", "copy_" + type, "y_" + type, "x_" + type))
        .addOutput(tensorInfo("y_" + type, elements, 3)));
    return model(graph.build(), description);
  }

  /**
   * A model whose output is not shaped as declared: y [batch, 3] is declared, but is x [batch, 3]
   * FP32 stacked on itself, so has twice its rows.
   */
  public static OnnxMl.ModelProto rowsTwice() {
    return onFloatRows("rows_twice", node("Concat", "stack", "y", "x", "x").toBuilder()
        .addAttribute(intAttribute("axis", 0)).build(), DataType.FLOAT,
        "Test model: y = x stacked on itself, declared [batch, 3].");
  }

  /**
   * A model whose output has a datatype ONNX Runtime's Java API cannot hand out: y = x cast to
   * UINT16, x FP32 [batch, 3].
   */
  public static OnnxMl.ModelProto uint16Output() {
    return onFloatRows("uint16_output", node("Cast", "cast", "y", "x").toBuilder()
        .addAttribute(intAttribute("to", DataType.UINT16_VALUE)).build(), DataType.UINT16,
        "Test model: y = x cast to UINT16.");
  }

  /** One node from input x FP32 [batch, 3] to output y [batch, 3] of {@code outputType}. */
  private static OnnxMl.ModelProto onFloatRows(String name, OnnxMl.NodeProto node,
      DataType outputType, String description) {
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName(name)
        .addInput(tensorInfo("x", DataType.FLOAT, 3))
        .addNode(node)
        .addOutput(tensorInfo("y", outputType, 3))
        .build();
    return model(graph, description);
  }

  private static OnnxMl.AttributeProto intAttribute(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder().setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
  }

  /**
   * A lookup: output {@code row} [batch, 1, width] holds, for each index of input {@code index}
   * [batch, 1], row {@code index} of a table whose cell (i, j) is 10 * i + j. An index outside
   * the table's {@code rows} makes ONNX Runtime reject the run: a request that is well formed yet
   * fails, for tests of batches with one bad request.
   */
  public static OnnxMl.ModelProto tableLookup(int rows, int width) {
    OnnxMl.TensorProto.Builder table = OnnxMl.TensorProto.newBuilder()
        .setName("table").setDataType(DataType.FLOAT_VALUE).addDims(rows).addDims(width);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < width; j++) {
        table.addFloatData(10 * i + j);
      }
    }
    OnnxMl.TensorShapeProto.Dimension batch =
        OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH).build();
    OnnxMl.TypeProto.Tensor rowType = OnnxMl.TypeProto.Tensor.newBuilder()
        .setElemType(DataType.FLOAT_VALUE)
        .setShape(OnnxMl.TensorShapeProto.newBuilder().addDim(batch)
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width)))
        .build();
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("table_lookup")
        .addInput(tensorInfo("index", DataType.INT64, 1))
        .addInitializer(table)
        .addNode(node("Gather", "lookup", "row", "table", "index"))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("row")
            .setType(OnnxMl.TypeProto.newBuilder().setTensorType(rowType)))
        .build();
    return model(graph, "Table lookup test model: row = table[index], table[i][j] = 10 i + j.");
  }

  /** A [batch, width] tensor declaration of the given element type, batch being dynamic. */
  private static OnnxMl.ValueInfoProto tensorInfo(String name, DataType type, int width) {
    OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
        .build();
    OnnxMl.TypeProto.Tensor tensorType = OnnxMl.TypeProto.Tensor.newBuilder()
        .setElemType(type.getNumber())
        .setShape(shape)
        .build();
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensorType))
        .build();
  }

  private static OnnxMl.NodeProto node(String opType, String name, String output, String... inputs) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(opType)
        .setName(name)
        .addAllInput(List.of(inputs))
        .addOutput(output)
        .build();
  }

  /** Wraps a graph in a model importing the default-domain opset 13. */
  private static OnnxMl.ModelProto model(OnnxMl.GraphProto graph, String description) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder()
            .setDomain("")
            .setVersion(ExtraOperators.OPSET_VERSION))
        .setProducerName(PRODUCER)
        .setDomain(DOMAIN)
        .setModelVersion(1)
        .setDocString(description)
        .setGraph(graph)
        .build();
  }
}
