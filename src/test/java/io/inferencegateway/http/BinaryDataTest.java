package io.inferencegateway.http;

import static io.inferencegateway.support.BinaryWire.HEADER;
import static io.inferencegateway.support.Http.get;
import static io.inferencegateway.support.Http.send;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferencegateway.support.BinaryWire;
import io.inferencegateway.support.BinaryWire.Reply;
import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The binary tensor data extension: every datatype, JSON and binary mixed, raw bodies")
class BinaryDataTest {

  private static final String DATATYPES = "/v2/models/datatypes/infer";
  private static final String MLP = "/v2/models/mlp/infer";
  private static final List<Integer> SHAPE = List.of(2, 3);

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo();

  /** One [2, 3] tensor of a datatype: its JSON data and its binary encoding. */
  record Sample(String datatype, OnnxJavaType onnx, List<Object> json, byte[] binary) {

    String input() {
      return "x_" + datatype.toLowerCase();
    }

    String output() {
      return "y_" + datatype.toLowerCase();
    }
  }

  /** Values at the edges of each type; FP16 as exact values and their bits. */
  static final List<Sample> SAMPLES = List.of(
      new Sample("BOOL", OnnxJavaType.BOOL, List.of(true, false, true, false, false, true),
          BinaryWire.bytes(1, 0, 1, 0, 0, 1)),
      new Sample("UINT8", OnnxJavaType.UINT8, List.of(0, 1, 127, 128, 200, 255),
          BinaryWire.bytes(0, 1, 127, 128, 200, 255)),
      new Sample("INT8", OnnxJavaType.INT8, List.of(-128, -1, 0, 1, 100, 127),
          BinaryWire.bytes(-128, -1, 0, 1, 100, 127)),
      new Sample("INT16", OnnxJavaType.INT16, List.of(-32768, -2, 0, 3, 1000, 32767),
          BinaryWire.shorts(-32768, -2, 0, 3, 1000, 32767)),
      new Sample("INT32", OnnxJavaType.INT32,
          List.of(Integer.MIN_VALUE, -5, 0, 7, 123456, Integer.MAX_VALUE),
          BinaryWire.ints(Integer.MIN_VALUE, -5, 0, 7, 123456, Integer.MAX_VALUE)),
      new Sample("INT64", OnnxJavaType.INT64,
          List.of(Long.MIN_VALUE, -5L, 0L, 7L, 1L << 40, Long.MAX_VALUE),
          BinaryWire.longs(Long.MIN_VALUE, -5, 0, 7, 1L << 40, Long.MAX_VALUE)),
      new Sample("FP16", OnnxJavaType.FLOAT16, List.of(0.5, -1.25, 0.0, 1024.0, 65504.0,
          -0.0009765625), BinaryWire.shorts(0x3800, 0xBD00, 0, 0x6400, 0x7BFF, 0x9400)),
      new Sample("FP32", OnnxJavaType.FLOAT, List.of(1.5f, -0.1f, 0f, 3.4e38f, 1e-30f, -7f),
          BinaryWire.floats(1.5f, -0.1f, 0f, 3.4e38f, 1e-30f, -7f)),
      new Sample("FP64", OnnxJavaType.DOUBLE, List.of(Math.PI, -1e300, 0.0, 1e-300, 2.5, -7.0),
          BinaryWire.doubles(Math.PI, -1e300, 0.0, 1e-300, 2.5, -7.0)),
      new Sample("BYTES", OnnxJavaType.STRING, List.of("a", "", "h\u00e9llo", "\u65e5\u672c",
          "x y", "\u0000z"), BinaryWire.strings("a", "", "h\u00e9llo", "\u65e5\u672c", "x y",
          "\u0000z")));

  /** What in-process ONNX Runtime returns for the samples: each output's bytes, by name. */
  private static final Map<String, byte[]> expected = new HashMap<>();

  @BeforeAll
  static void runInProcess() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession("conf/models/datatypes/1/model.onnx")) {
      Map<String, OnnxTensor> feeds = new HashMap<>();
      long[] shape = {2, 3};
      for (Sample sample : SAMPLES) {
        OnnxTensor tensor = sample.onnx() == OnnxJavaType.STRING
            ? OnnxTensor.createTensor(env, sample.json().toArray(String[]::new), shape)
            : OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(sample.binary().length)
                .order(ByteOrder.nativeOrder()).put(sample.binary()).rewind(), shape,
                sample.onnx());
        feeds.put(sample.input(), tensor);
      }
      try (OrtSession.Result result = session.run(feeds)) {
        for (Sample sample : SAMPLES) {
          OnnxValue value = result.get(sample.output()).orElseThrow();
          expected.put(sample.output(), sample.onnx() == OnnxJavaType.STRING
              ? BinaryWire.strings(Stream.of((String[][]) value.getValue())
                  .flatMap(Arrays::stream).toArray(String[]::new))
              : bytesOf(((OnnxTensor) value).getByteBuffer()));
        }
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
    }
  }

  /** How a request sends its inputs and asks for its outputs. */
  enum Mode {
    /** Every input and output in JSON. */
    JSON,
    /** Every input in binary, every output asked for in binary. */
    BINARY,
    /** Even inputs in binary, odd ones in JSON; every third output asked for in binary. */
    MIXED,
    /** Inputs in binary, no output named, {@code binary_data_output} on the request. */
    BINARY_DATA_OUTPUT
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyDatatypeAnswersWhatInProcessOnnxRuntimeGives(Mode mode) throws Exception {
    JsonArray inputs = new JsonArray();
    JsonArray outputs = new JsonArray();
    List<byte[]> parts = new ArrayList<>();
    List<String> binaryOutputs = new ArrayList<>();
    for (int i = 0; i < SAMPLES.size(); i++) {
      Sample sample = SAMPLES.get(i);
      boolean binaryIn = mode == Mode.BINARY || mode == Mode.BINARY_DATA_OUTPUT
          || (mode == Mode.MIXED && i % 2 == 0);
      if (binaryIn) {
        inputs.add(BinaryWire.binaryInput(sample.input(), sample.datatype(), SHAPE,
            sample.binary().length));
        parts.add(sample.binary());
      } else {
        inputs.add(new JsonObject().put("name", sample.input()).put("datatype", sample.datatype())
            .put("shape", new JsonArray(List.copyOf(SHAPE)))
            .put("data", new JsonArray(new ArrayList<>(sample.json()))));
      }
      boolean binaryOut = mode == Mode.BINARY || mode == Mode.BINARY_DATA_OUTPUT
          || (mode == Mode.MIXED && i % 3 == 0);
      JsonObject output = new JsonObject().put("name", sample.output());
      if (mode == Mode.MIXED || mode == Mode.BINARY) {
        output.put("parameters", new JsonObject().put("binary_data", binaryOut));
      }
      outputs.add(output);
      if (binaryOut) {
        binaryOutputs.add(sample.output());
      }
    }
    JsonObject json = new JsonObject().put("inputs", inputs);
    if (mode == Mode.BINARY_DATA_OUTPUT) {
      json.put("parameters", new JsonObject().put("binary_data_output", true));
    } else {
      json.put("outputs", outputs);
    }
    BinaryWire.Body body = BinaryWire.body(json, parts.toArray(byte[][]::new));
    HttpResponse<Buffer> response = parts.isEmpty() ? send(gateway, DATATYPES, body.bytes())
        : send(gateway, DATATYPES, body.bytes(), HEADER, String.valueOf(body.jsonLength()));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("content-type"))
        .isEqualTo(binaryOutputs.isEmpty() ? "application/json" : "application/octet-stream");
    Reply reply = BinaryWire.reply(response);
    assertThat(reply.binary().keySet()).containsExactlyElementsOf(binaryOutputs);
    JsonArray answered = reply.json().getJsonArray("outputs");
    assertThat(answered).hasSize(SAMPLES.size());
    for (int i = 0; i < SAMPLES.size(); i++) {
      Sample sample = SAMPLES.get(i);
      JsonObject output = answered.getJsonObject(i);
      assertThat(output.getString("name")).isEqualTo(sample.output());
      assertThat(output.getString("datatype")).isEqualTo(sample.datatype());
      assertThat(output.getJsonArray("shape")).containsExactly(2, 3);
      if (binaryOutputs.contains(sample.output())) {
        assertThat(output.containsKey("data")).isFalse();
        assertThat(reply.binary().get(sample.output())).as(sample.datatype())
            .isEqualTo(expected.get(sample.output()));
      } else {
        assertSameValues(sample, output.getJsonArray("data"));
        assertThat(sample.binary()).as("the model returns its input")
            .isEqualTo(expected.get(sample.output()));
      }
    }
  }

  @Test
  void aRawBodyIsTheOneInputsDataAndEveryOutputComesBackBinary() throws Exception {
    float[] rows = new float[32];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i / 10f - 1;
    }
    JsonArray data = new JsonArray();
    for (float value : rows) {
      data.add(value);
    }
    HttpResponse<Buffer> viaJson = send(gateway, MLP, new JsonObject().put("inputs", new JsonArray().add(
        new JsonObject().put("name", "input").put("datatype", "FP32")
            .put("shape", new JsonArray().add(2).add(16)).put("data", data))).toBuffer());
    HttpResponse<Buffer> raw = send(gateway, MLP, Buffer.buffer(BinaryWire.floats(rows)), HEADER, "0");

    assertThat(raw.statusCode()).as(raw.bodyAsString()).isEqualTo(200);
    Reply reply = BinaryWire.reply(raw);
    JsonObject output = reply.json().getJsonArray("outputs").getJsonObject(0);
    assertThat(output.getJsonArray("shape")).containsExactly(2, 4);
    float[] expectedOutput = new float[8];
    JsonArray jsonData = viaJson.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0)
        .getJsonArray("data");
    for (int i = 0; i < expectedOutput.length; i++) {
      expectedOutput[i] = jsonData.getFloat(i);
    }
    assertThat(BinaryWire.toFloats(reply.binary().get("output"))).isEqualTo(expectedOutput);
  }

  @Test
  void binaryAndJsonAnswerTheSameForALargeBatch() throws Exception {
    float[] rows = new float[64 * 16];
    JsonArray data = new JsonArray();
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) Math.sin(i);
      data.add(rows[i]);
    }
    JsonObject jsonInput = new JsonObject().put("name", "input").put("datatype", "FP32")
        .put("shape", new JsonArray().add(64).add(16));
    HttpResponse<Buffer> viaJson = send(gateway, MLP, new JsonObject()
        .put("inputs", new JsonArray().add(jsonInput.copy().put("data", data))).toBuffer());
    BinaryWire.Body body = BinaryWire.body(new JsonObject()
        .put("inputs", new JsonArray().add(BinaryWire.binaryInput("input", "FP32",
            List.of(64, 16), rows.length * 4)))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "output")
            .put("parameters", new JsonObject().put("binary_data", true)))),
        BinaryWire.floats(rows));
    HttpResponse<Buffer> viaBinary =
        send(gateway, MLP, body.bytes(), HEADER, String.valueOf(body.jsonLength()));

    assertThat(viaBinary.statusCode()).as(viaBinary.bodyAsString()).isEqualTo(200);
    JsonArray jsonData = viaJson.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0)
        .getJsonArray("data");
    float[] binaryData = BinaryWire.toFloats(BinaryWire.reply(viaBinary).binary().get("output"));
    assertThat(binaryData).hasSize(jsonData.size());
    for (int i = 0; i < binaryData.length; i++) {
      assertThat(binaryData[i]).isEqualTo(jsonData.getFloat(i));
    }
  }

  /** A request the gateway must refuse; {@code header} is null when the request has none. */
  record Malformed(String what, String path, Buffer body, String header, String fragment) {

    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Malformed> malformed() {
    JsonObject fp32 = BinaryWire.binaryInput("input", "FP32", List.of(1, 16), 64);
    byte[] row = BinaryWire.floats(new float[16]);
    JsonObject bytesInput = BinaryWire.binaryInput("x_bytes", "BYTES", List.of(1, 1), 9);
    Buffer whole = BinaryWire.body(inputs(fp32), row).bytes();
    return Stream.of(
        new Malformed("header not a number", MLP, whole, "abc", "must be a non-negative integer"),
        new Malformed("negative header", MLP, whole, "-5", "must be a non-negative integer"),
        new Malformed("header past the body", MLP, whole, "99999999999", "larger than the body"),
        new Malformed("binary_data_size without the header", MLP, inputs(fp32).toBuffer(), null,
            "no binary data"),
        binary("fewer bytes than claimed", MLP, fp32, new byte[40],
            "only 40 bytes of binary data are left"),
        binary("bytes left over", MLP, fp32, new byte[70], "unexpected additional input data"),
        binary("size not the shape's", MLP,
            BinaryWire.binaryInput("input", "FP32", List.of(1, 16), 60), new byte[60], "takes 64"),
        binary("both data and binary_data_size", MLP,
            fp32.copy().put("data", new JsonArray().add(1)), row, "only one of them"),
        binary("negative binary_data_size", MLP,
            BinaryWire.binaryInput("input", "FP32", List.of(1, 16), -4), row,
            "non-negative integer"),
        binary("BYTES element longer than the data", DATATYPES, bytesInput,
            new byte[] {50, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'}, "claims 50 bytes"),
        binary("BYTES element not UTF-8", DATATYPES, bytesInput,
            new byte[] {5, 0, 0, 0, (byte) 0xC3, 0x28, 'a', 'b', 'c'}, "not valid UTF-8"),
        new Malformed("raw body for a model of several inputs", "/v2/models/type-mix/infer",
            Buffer.buffer(new byte[24]), "0", "exactly one input"),
        new Malformed("raw body not a whole number of rows", MLP, Buffer.buffer(new byte[66]),
            "0", "do not make a FP32 tensor"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedBinaryRequestsAre400AndTheGatewayStaysLive(Malformed request) throws Exception {
    HttpResponse<Buffer> response = request.header() == null ? send(gateway, request.path(), request.body())
        : send(gateway, request.path(), request.body(), HEADER, request.header());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).contains(request.fragment());
    HttpResponse<Buffer> live = get(gateway, "/v2/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
  }

  private static void assertSameValues(Sample sample, JsonArray data) {
    assertThat(data).hasSize(sample.json().size());
    for (int i = 0; i < data.size(); i++) {
      Object want = sample.json().get(i);
      Object got = data.getValue(i);
      switch (sample.datatype()) {
        case "FP16", "FP32" -> assertThat(((Number) got).floatValue()).as(sample.datatype())
            .isEqualTo(((Number) want).floatValue());
        case "FP64" -> assertThat(((Number) got).doubleValue()).isEqualTo(want);
        case "BOOL", "BYTES" -> assertThat(got).isEqualTo(want);
        default -> assertThat(((Number) got).longValue()).as(sample.datatype())
            .isEqualTo(((Number) want).longValue());
      }
    }
  }

  private static JsonObject inputs(JsonObject input) {
    return new JsonObject().put("inputs", new JsonArray().add(input));
  }

  /** One binary input entry and the bytes after it, with the header giving the JSON's length. */
  private static Malformed binary(String what, String path, JsonObject input, byte[] part,
      String fragment) {
    BinaryWire.Body body = BinaryWire.body(inputs(input), part);
    return new Malformed(what, path, body.bytes(), String.valueOf(body.jsonLength()), fragment);
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
