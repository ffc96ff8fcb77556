package io.inferencegateway.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.codec.InferJson.InferBody;
import io.inferencegateway.model.DataType;
import io.inferencegateway.model.Tensor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The streaming infer reader and writer agree with the tree reader and JSON objects")
class InferJsonTest {

  private final Random random = new Random(7);

  @Test
  void everyCarriedDatatypeReadsAsTheTreeReaderReadsIt() {
    for (int round = 0; round < 50; round++) {
      JsonArray inputs = new JsonArray();
      for (DataType type : DataType.values()) {
        if (!type.carried()) {
          continue;
        }
        int rows = random.nextInt(4);
        inputs.add(input(type.name().toLowerCase(), type, rows, 3, round % 2 == 0));
      }
      JsonObject body = new JsonObject().put("id", "r" + round).put("inputs", inputs)
          .put("outputs", new JsonArray().add(new JsonObject().put("name", "y")))
          .put("parameters", new JsonObject().put("timeout", 5));
      InferBody read = read(body.toBuffer()).orElseThrow();
      assertThat(read.id()).isEqualTo("r" + round);
      assertThat(read.outputNames()).containsExactly("y");
      assertThat(read.parameters()).isEqualTo(new JsonObject().put("timeout", 5));
      for (int i = 0; i < inputs.size(); i++) {
        Tensor tree = TensorJson.read(inputs.getJsonObject(i), "inputs[" + i + "]",
            new BinaryInputs(new byte[0], -1));
        Tensor streamed = read.inputs().get(i);
        assertThat(streamed.name()).isEqualTo(tree.name());
        assertThat(streamed.datatype()).isEqualTo(tree.datatype());
        assertThat(streamed.shape()).isEqualTo(tree.shape());
        assertThat(streamed.data()).as("%s", tree).isEqualTo(tree.data());
      }
    }
  }

  @Test
  void dataBeforeItsShapeIsLeftToTheTreeReader() {
    JsonObject input = new JsonObject().put("data", new JsonArray().add(1.5))
        .put("name", "x").put("datatype", "FP32").put("shape", new JsonArray().add(1));
    assertThat(read(new JsonObject().put("inputs", new JsonArray().add(input)).toBuffer()))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "[]",
      "{\"inputs\": []}",
      "{\"id\": 3, \"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1, 2]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[\"1\"]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1e39]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[2147483648]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[1.0]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[1e3]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"UINT16\",\"shape\":[1],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"UINT8\",\"shape\":[1],\"data\":[256]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[-129]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP16\",\"shape\":[1],\"data\":[65536]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],"
          + "\"parameters\": {\"binary_data_size\": 4}}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[[1],[2],[3]]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[[1],2]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[[1],[2]]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1000000000],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]},"
          + "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}], \"x\": }",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]} {}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
          + " \"outputs\": [{\"parameters\": {}}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
          + " \"outputs\": [{\"name\": \"y\"}, {\"name\": \"y\"}]}",
      "{\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
          + " \"outputs\": [{\"name\": \"y\", \"parameters\": {\"binary_data\": 1}}]}",
  })
  void anythingOutOfTheOrdinaryIsLeftToTheTreeReader(String body) {
    assertThat(read(Buffer.buffer(body))).isEmpty();
  }

  @Test
  void theWrittenResponseIsTheProtocolsObjectWithExactValues() {
    float[] floats = {1.5f, -0.0f, Float.MIN_VALUE, 3.4028235e38f, 0.1f};
    List<Tensor> outputs = List.of(
        new Tensor("f", DataType.FP32, new long[] {1, 5}, floats),
        new Tensor("d", DataType.FP64, new long[] {2}, new double[] {Math.PI, -1e-300}),
        new Tensor("i", DataType.INT32, new long[] {1}, new int[] {Integer.MIN_VALUE}),
        new Tensor("l", DataType.INT64, new long[] {1}, new long[] {Long.MAX_VALUE}),
        new Tensor("b", DataType.BOOL, new long[] {2}, new boolean[] {true, false}));
    InferJson.InferReply reply =
        InferJson.write("m", "1", "id-1", outputs, new boolean[outputs.size()]);
    assertThat(reply.jsonLength()).isEqualTo(-1);
    String written = reply.body().toString();

    JsonArray expected = new JsonArray();
    for (Tensor tensor : outputs) {
      JsonArray data = new JsonArray();
      switch (tensor.datatype()) {
        case FP32 -> { for (float v : (float[]) tensor.data()) { data.add(v); } }
        case FP64 -> { for (double v : (double[]) tensor.data()) { data.add(v); } }
        case INT32 -> { for (int v : (int[]) tensor.data()) { data.add(v); } }
        case INT64 -> { for (long v : (long[]) tensor.data()) { data.add(v); } }
        default -> { for (boolean v : (boolean[]) tensor.data()) { data.add(v); } }
      }
      JsonArray shape = new JsonArray();
      for (long dim : tensor.shape()) {
        shape.add(dim);
      }
      expected.add(new JsonObject().put("name", tensor.name())
          .put("datatype", tensor.datatype().name()).put("shape", shape).put("data", data));
    }
    assertThat(written).isEqualTo(new JsonObject().put("model_name", "m").put("model_version", "1")
        .put("id", "id-1").put("outputs", expected).encode());
  }

  /** A body without binary data, as the streaming reader takes it. */
  private static java.util.Optional<InferBody> read(Buffer body) {
    byte[] bytes = body.getBytes();
    return InferJson.read(bytes, bytes.length, new BinaryInputs(bytes, -1));
  }

  /** An input in the clients' order, its data flat or nested. */
  private JsonObject input(String name, DataType type, int rows, int width, boolean nested) {
    JsonArray data = new JsonArray();
    for (int row = 0; row < rows; row++) {
      JsonArray target = nested ? new JsonArray() : data;
      for (int i = 0; i < width; i++) {
        target.add(switch (type) {
          case FP32 -> (float) random.nextGaussian() * 1e3f;
          case FP64 -> random.nextGaussian() * 1e200;
          case INT32 -> random.nextInt();
          case INT64 -> random.nextLong();
          case INT16 -> random.nextInt(65536) - 32768;
          case INT8 -> random.nextInt(256) - 128;
          case UINT8 -> random.nextInt(256);
          case FP16, BF16 -> (float) random.nextGaussian() * 100;
          case BYTES -> "s" + random.nextInt() + "\u00e9";
          default -> random.nextBoolean();
        });
      }
      if (nested) {
        data.add(target);
      }
    }
    return new JsonObject().put("name", name).put("datatype", type.name())
        .put("shape", new JsonArray().add(rows).add(width)).put("data", data);
  }
}
