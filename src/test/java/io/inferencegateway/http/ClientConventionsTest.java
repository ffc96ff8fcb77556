package io.inferencegateway.http;

import static io.inferencegateway.support.BinaryWire.HEADER;
import static io.inferencegateway.support.Http.get;
import static io.inferencegateway.support.Http.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.demo.TensorModels;
import io.inferencegateway.support.BinaryWire;
import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("What Triton's and KServe's clients send and read: compression, classification, "
    + "health answers, output parameters")
class ClientConventionsTest {

  private static final String MLP = "/v2/models/mlp/infer";
  private static final String IRIS = "/v2/models/iris-classifier/infer";
  private static final List<String> LABELS = List.of("virginica", "setosa", "versicolor");

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo((json, dir) -> {
    Path file = dir.resolve("uint16.onnx");
    try {
      Files.write(file, TensorModels.uint16Output().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    json.getJsonArray("models").add(new JsonObject().put("name", "uint16-output")
        .put("path", file.toString()).put("instances", 1));
  });

  // ---- compression ----------------------------------------------------------------------------

  @Test
  void gzipAndDeflateBodiesAnswerAsThePlainOne() throws Exception {
    Buffer plain = mlpRequest(3).toBuffer();
    HttpResponse<Buffer> expected = send(gateway, MLP, plain);
    assertThat(expected.statusCode()).isEqualTo(200);
    for (String encoding : List.of("gzip", "deflate")) {
      HttpResponse<Buffer> response = send(gateway, MLP, compress(encoding, plain.getBytes()),
          "Content-Encoding", encoding);
      assertThat(response.statusCode()).as(encoding + ": " + response.bodyAsString())
          .isEqualTo(200);
      assertThat(outputs(response)).as(encoding).isEqualTo(outputs(expected));
    }
  }

  @Test
  void aCompressedBinaryBodyKeepsTheUncompressedJsonLength() throws Exception {
    float[] rows = new float[2 * 16];
    JsonArray data = new JsonArray();
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i * 0.25f;
      data.add(rows[i]);
    }
    BinaryWire.Body body = BinaryWire.body(new JsonObject().put("inputs", new JsonArray()
        .add(BinaryWire.binaryInput("input", "FP32", List.of(2, 16), rows.length * 4))),
        BinaryWire.floats(rows));
    HttpResponse<Buffer> response = send(gateway, MLP, compress("gzip", body.bytes().getBytes()),
        "Content-Encoding", "gzip", HEADER, String.valueOf(body.jsonLength()));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "FP32").put("shape", new JsonArray().add(2).add(16))
        .put("data", data)));
    assertThat(outputs(response)).isEqualTo(outputs(send(gateway, MLP, request.toBuffer())));
  }

  @Test
  void aSmallBombIs413() throws Exception {
    // 64 MiB of zeros in about 64 KB: far past the 4 MiB body limit once inflated.
    HttpResponse<Buffer> response = send(gateway, MLP, compress("gzip", new byte[64 << 20]),
        "Content-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.bodyAsJsonObject().getString("error")).contains("once inflated");
  }

  @ParameterizedTest
  @CsvSource({
      "deflate, 'the body is not valid deflate data'",
      "gzip, 'the body is not valid gzip data'",
      "br, 'is not supported'"})
  void aBodyThatCannotBeInflatedIs400(String encoding, String fragment) throws Exception {
    byte[] corrupt = {0x78, (byte) 0x9c, 0x01, 0x02, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
    HttpResponse<Buffer> response = send(gateway, MLP, Buffer.buffer(corrupt), "Content-Encoding",
        encoding);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).contains(fragment);
  }

  // ---- request forms ---------------------------------------------------------------------------

  @Test
  void aBodySentAfter100ContinueIsAnswered() throws Exception {
    // curl sends Expect: 100-continue with bodies over 1 KiB, and waits for it.
    Buffer body = mlpRequest(64).toBuffer();
    HttpClient client = gateway.vertx().createHttpClient(new HttpClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()));
    try {
      int status = client.request(HttpMethod.POST, MLP)
          .compose(request -> {
            request.putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", String.valueOf(body.length()))
                .putHeader("Expect", "100-continue")
                .continueHandler(go -> request.end(body));
            return request.sendHead().compose(sent -> request.response());
          })
          .map(HttpClientResponse::statusCode)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(status).isEqualTo(200);
    } finally {
      client.close();
    }
  }

  /** RFC 9112: an HTTP/1.1 request must carry a valid Host; HTTP/1.0 need not. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "POST /v2/models/mlp/infer HTTP/1.1 | | 400",
      "POST /v2/models/mlp/infer HTTP/1.1 | Host: not a host! | 400",
      "GET /v2/health/ready HTTP/1.1 | | 400",
      "POST /v2/models/mlp/infer HTTP/1.1 | Host: gateway.example:8080 | 200",
      "POST /v2/models/mlp/infer HTTP/1.0 | | 200"})
  void anHttp11RequestWithoutAValidHostIs400(String requestLine, String host, int status)
      throws Exception {
    byte[] body = mlpRequest(1).toBuffer().getBytes();
    String head = requestLine + "\r\n" + (host == null ? "" : host + "\r\n")
        + "Content-Type: application/json\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      String answer = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(answer).as(answer).matches("(?s)HTTP/1\\.[01] " + status + " .*");
      if (status == 400) {
        assertThat(answer)
            .endsWith("{\"error\":\"an HTTP/1.1 request needs a valid Host header\"}");
      }
    }
  }

  @Test
  void aPercentEncodedModelNameIsDecoded() throws Exception {
    HttpResponse<Buffer> response = send(gateway, "/v2/models/ml%70/infer",
        mlpRequest(1).toBuffer());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("model_name")).isEqualTo("mlp");
  }

  @Test
  void largeAnswersAreCompressedForClientsThatAcceptIt() throws Exception {
    Buffer request = mlpRequest(64).toBuffer();
    HttpResponse<Buffer> plain = send(gateway, MLP, request);
    HttpResponse<Buffer> gzipped = send(gateway, MLP, request, "Accept-Encoding", "gzip");

    assertThat(plain.getHeader("content-encoding")).isNull();
    assertThat(gzipped.getHeader("content-encoding")).isEqualTo("gzip");
    assertThat(gzipped.body().length()).isLessThan(plain.body().length());
    try (GZIPInputStream in = new GZIPInputStream(
        new ByteArrayInputStream(gzipped.body().getBytes()))) {
      assertThat(new JsonObject(Buffer.buffer(in.readAllBytes())).getJsonArray("outputs"))
          .isEqualTo(plain.bodyAsJsonObject().getJsonArray("outputs"));
    }
  }

  // ---- classification -------------------------------------------------------------------------

  @Test
  void classificationReturnsTheTopClassesWithScoresIndexesAndLabels() throws Exception {
    JsonObject request = irisRequest();
    JsonArray probabilities = send(gateway, IRIS, request.toBuffer()).bodyAsJsonObject()
        .getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
    request.put("outputs", new JsonArray().add(new JsonObject().put("name", "output")
        .put("parameters", new JsonObject().put("classification", 2))));
    HttpResponse<Buffer> response = send(gateway, IRIS, request.toBuffer());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject output = response.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0);
    assertThat(output.getString("datatype")).isEqualTo("BYTES");
    assertThat(output.getJsonArray("shape")).containsExactly(2, 2);
    JsonArray top = output.getJsonArray("data");
    for (int row = 0; row < 2; row++) {
      int best = -1;
      int second = -1;
      for (int i = 0; i < 3; i++) {
        float p = probabilities.getFloat(row * 3 + i);
        if (best < 0 || p > probabilities.getFloat(row * 3 + best)) {
          second = best;
          best = i;
        } else if (second < 0 || p > probabilities.getFloat(row * 3 + second)) {
          second = i;
        }
      }
      assertThat(top.getString(row * 2)).isEqualTo(String.format(java.util.Locale.ROOT,
          "%f:%d:%s", probabilities.getFloat(row * 3 + best), best, LABELS.get(best)));
      assertThat(top.getString(row * 2 + 1)).endsWith(":" + second + ":" + LABELS.get(second));
    }
  }

  @Test
  void classificationInBinaryIsLengthPrefixedStrings() throws Exception {
    JsonObject request = irisRequest().put("outputs", new JsonArray().add(new JsonObject()
        .put("name", "output")
        .put("parameters", new JsonObject().put("classification", 1).put("binary_data", true))));
    HttpResponse<Buffer> response = send(gateway, IRIS, request.toBuffer());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    List<String> top = BinaryWire.toStrings(BinaryWire.reply(response).binary().get("output"));
    assertThat(top).hasSize(2).allSatisfy(entry ->
        assertThat(entry).matches("\\d\\.\\d{6}:\\d:(virginica|setosa|versicolor)"));
  }

  // ---- health answers and metadata ------------------------------------------------------------

  @Test
  void healthAnswersCarryTheBodiesKServesClientReads() throws Exception {
    assertThat(get(gateway, "/v2/health/live").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("live", true));
    assertThat(get(gateway, "/v2/health/ready").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("ready", true));
    assertThat(get(gateway, "/v2/models/mlp/ready").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("name", "mlp").put("ready", true));
    assertThat(get(gateway, "/v1/models/iris-classifier").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("name", "iris-classifier").put("ready", true));
    assertThat(get(gateway, "/").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("status", "alive"));
  }

  @Test
  void serverMetadataListsTheExtensions() throws Exception {
    assertThat(get(gateway, "/v2").bodyAsJsonObject().getJsonArray("extensions"))
        .contains("binary_tensor_data", "classification");
  }

  // ---- refused ---------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"binary_data\": \"yes\"}| binary_data must be true or false",
      "{\"classification\": 0}| classification must be a positive integer",
      "{\"classification\": 1.5}| classification must be a positive integer"})
  void badOutputParametersAre400(String parameters, String fragment) throws Exception {
    JsonObject request = mlpRequest(1).put("outputs", new JsonArray().add(new JsonObject()
        .put("name", "output").put("parameters", new JsonObject(parameters))));
    expect400(send(gateway, MLP, request.toBuffer()), fragment);
  }

  @Test
  void binaryDataOutputMustBeABoolean() throws Exception {
    JsonObject request = mlpRequest(1)
        .put("parameters", new JsonObject().put("binary_data_output", 1));
    expect400(send(gateway, MLP, request.toBuffer()), "'binary_data_output' must be true or false");
  }

  @Test
  void anOutputAskedForTwiceIs400() throws Exception {
    JsonObject request = mlpRequest(1).put("outputs", new JsonArray()
        .add(new JsonObject().put("name", "output"))
        .add(new JsonObject().put("name", "output")));
    expect400(send(gateway, MLP, request.toBuffer()), "output 'output' is asked for twice");
  }

  @Test
  void aDatatypeOnnxRuntimeCannotTakeIs400NamingIt() throws Exception {
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "UINT16").put("shape", new JsonArray().add(1))
        .put("data", new JsonArray().add(1))));
    expect400(send(gateway, MLP, request.toBuffer()), "UINT16 is not supported");
  }

  @Test
  void anOutputTheGatewayCannotReturnIsAServerError() throws Exception {
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "x").put("datatype", "FP32").put("shape", new JsonArray().add(1).add(3))
        .put("data", new JsonArray().add(1).add(2).add(3))));
    HttpResponse<Buffer> response = send(gateway, "/v2/models/uint16-output/infer", request.toBuffer());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.bodyAsJsonObject().getString("error"))
        .contains("output 'y' has element type UINT16, which the gateway cannot return");
  }

  private static void expect400(HttpResponse<Buffer> response, String fragment) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).contains(fragment);
  }

  private static JsonObject mlpRequest(int rows) {
    JsonArray data = new JsonArray();
    for (int i = 0; i < rows * 16; i++) {
      data.add(Math.cos(i));
    }
    return new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "FP32")
        .put("shape", new JsonArray().add(rows).add(16)).put("data", data)));
  }

  private static JsonObject irisRequest() {
    return new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "FP32").put("shape", new JsonArray().add(2).add(4))
        .put("data", new JsonArray().add(1.4).add(0.2).add(5.1).add(3.5)
            .add(6.0).add(2.5).add(6.3).add(3.3))));
  }

  private static JsonArray outputs(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("outputs");
  }

  private static Buffer compress(String encoding, byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var zip = encoding.equals("gzip") ? new GZIPOutputStream(out)
        : new DeflaterOutputStream(out)) {
      zip.write(bytes);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
