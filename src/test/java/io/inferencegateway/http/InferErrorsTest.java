package io.inferencegateway.http;

import static io.inferencegateway.support.RecordedCalls.assertError;
import static io.inferencegateway.support.RecordedCalls.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.RecordedCalls;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Inference requests the gateway must refuse, with the protocol's error object")
class InferErrorsTest {

  private static final String MLP = "/v2/models/mlp/infer";
  private static final String TYPE_MIX = "/v2/models/type-mix/infer";
  private static final List<String> TYPE_MIX_INPUTS = List.of("x_fp64", "x_int64", "x_int32", "x_bool");

  private static final RecordedCalls calls = new RecordedCalls();

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo();

  // ---- body and envelope ----------------------------------------------------------------------

  @Test
  void malformedJsonIs400(VertxTestContext ctx) {
    expectError(ctx, post(MLP, "{\"inputs\": [{\"name\": \"input\","), 400, "JSON");
  }

  @Test
  void jsonArrayBodyIs400(VertxTestContext ctx) {
    expectError(ctx, post(MLP, new JsonArray().add(mlpInput()).encode()), 400, "JSON object",
        "array");
  }

  @Test
  void emptyBodyIs400(VertxTestContext ctx) {
    expectError(ctx, post(MLP, ""), 400, "no body");
  }

  @Test
  void missingInputsIs400(VertxTestContext ctx) {
    expectError(ctx, post(MLP, new JsonObject().put("id", "1")), 400, "'inputs'");
  }

  @ParameterizedTest(name = "inputs = {0}")
  @ValueSource(strings = {"[]", "{}", "\"input\"", "42"})
  void inputsThatAreNotANonEmptyArrayAre400(String inputs, VertxTestContext ctx) {
    expectError(ctx, post(MLP, "{\"inputs\": " + inputs + "}"), 400, "'inputs'");
  }

  @Test
  void inputThatIsNotAnObjectIs400(VertxTestContext ctx) {
    expectError(ctx, post(MLP, "{\"inputs\": [[0.5, 0.5]]}"), 400, "inputs[0]");
  }

  @ParameterizedTest(name = "without ''{0}''")
  @ValueSource(strings = {"name", "shape", "datatype", "data"})
  void inputLackingARequiredFieldIs400(String field, VertxTestContext ctx) {
    JsonObject input = mlpInput();
    input.remove(field);
    expectError(ctx, post(MLP, request(input)), 400, "'" + field + "'");
  }

  @ParameterizedTest(name = "id = {0}")
  @ValueSource(strings = {"42", "true", "{\"n\": 1}", "[\"a\"]"})
  void idThatIsNotAStringIs400(String id, VertxTestContext ctx) {
    JsonObject body = request(mlpInput()).put("id", Json.decodeValue(id));
    expectError(ctx, post(MLP, body), 400, "'id'");
  }

  // ---- tensors against the model's signature ----------------------------------------------------

  @Test
  void unknownInputNameIs400NamingIt(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("name", "pixels");
    expectError(ctx, post(MLP, request(input)), 400, "'pixels'");
  }

  @Test
  void shapeAndDataLengthDisagreeingIs400(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("data", filled(15, 0.5));
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "16", "15");
  }

  @Test
  void negativeDimensionIs400(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("shape", new JsonArray().add(-1).add(16));
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "shape", "-1");
  }

  @ParameterizedTest(name = "shape [{0}, 16]")
  @ValueSource(strings = {"1.5", "\"1\"", "true", "null"})
  void nonIntegerDimensionIs400(String dim, VertxTestContext ctx) {
    JsonObject input = mlpInput().put("shape", new JsonArray("[" + dim + ", 16]"));
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "shape");
  }

  @Test
  void shapeThatIsNotAnArrayIs400(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("shape", "1,16");
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "'shape'");
  }

  @Test
  void shapeRankNotMatchingTheModelIs400(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("shape", new JsonArray().add(16));
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "[16]");
  }

  @Test
  void unknownDatatypeIs400(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("datatype", "FLOAT");
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "FLOAT");
  }

  @Test
  void datatypeNotMatchingTheModelIs400(VertxTestContext ctx) {
    JsonObject input = mlpInput().put("datatype", "FP64");
    expectError(ctx, post(MLP, request(input)), 400, "'input'", "FP32", "FP64");
  }

  @ParameterizedTest(name = "datatype {0}")
  @ValueSource(strings = {"FP16", "BF16", "UINT8", "BYTES"})
  void datatypeTheGatewayDoesNotCarryIs400(String datatype, VertxTestContext ctx) {
    JsonObject input = mlpInput().put("datatype", datatype);
    expectError(ctx, post(MLP, request(input)), 400, "'input'", datatype);
  }

  @Test
  void stringInFp32DataIs400(VertxTestContext ctx) {
    JsonArray data = filled(16, 0.5);
    data.set(3, "0.5");
    expectError(ctx, post(MLP, request(mlpInput().put("data", data))), 400,
        "'input'", "data[3]", "FP32");
  }

  /** Replaces data[1] of one type-mix input by a value its datatype cannot hold. */
  @ParameterizedTest(name = "{0} data[1] = {1}")
  @CsvSource(delimiter = '|', value = {
      "x_int32 | 1.5",
      "x_int32 | 3000000000",
      "x_int32 | -2147483649",
      "x_int64 | 2.5",
      "x_int64 | 100000000000000000000",
      "x_bool  | 1",
      "x_bool  | \"true\"",
      "x_fp64  | \"2.0\"",
      "x_fp64  | null"})
  void elementOfTheWrongTypeIs400(String name, String value, VertxTestContext ctx) {
    List<JsonObject> inputs = typeMixInputs();
    JsonObject input = inputs.get(TYPE_MIX_INPUTS.indexOf(name));
    input.getJsonArray("data").set(1, Json.decodeValue(value));
    expectError(ctx, post(TYPE_MIX, request(inputs)), 400, "'" + name + "'", "data[1]", value);
  }

  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"x_fp64", "x_int64", "x_int32", "x_bool"})
  void missingOneOfSeveralInputsIs400NamingIt(String name, VertxTestContext ctx) {
    List<JsonObject> inputs = typeMixInputs();
    inputs.remove(TYPE_MIX_INPUTS.indexOf(name));
    expectError(ctx, post(TYPE_MIX, request(inputs)), 400, name);
  }

  @Test
  void duplicateInputNameIs400NamingIt(VertxTestContext ctx) {
    List<JsonObject> inputs = typeMixInputs();
    inputs.add(typeMixInputs().get(TYPE_MIX_INPUTS.indexOf("x_int32")));
    expectError(ctx, post(TYPE_MIX, request(inputs)), 400, "'x_int32'");
  }

  @Test
  void unknownRequestedOutputIs400NamingIt(VertxTestContext ctx) {
    JsonObject body = request(mlpInput())
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "logits")));
    expectError(ctx, post(MLP, body), 400, "'logits'");
  }

  @Test
  void requestedOutputWithoutNameIs400(VertxTestContext ctx) {
    JsonObject body = request(mlpInput()).put("outputs", new JsonArray().add(new JsonObject()));
    expectError(ctx, post(MLP, body), 400, "outputs[0]", "'name'");
  }

  @Test
  void nestedDataWithTheRightCountIsAccepted(VertxTestContext ctx) {
    JsonObject input = mlpInput()
        .put("shape", new JsonArray().add(2).add(16))
        .put("data", new JsonArray().add(filled(16, 0.25)).add(filled(16, 0.75)));
    JsonObject body = request(input).put("id", "nested-1");
    post(MLP, body).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject reply = response.bodyAsJsonObject();
      assertThat(reply.getString("id")).isEqualTo("nested-1");
      JsonObject output = reply.getJsonArray("outputs").getJsonObject(0);
      assertThat(output.getString("name")).isEqualTo("output");
      assertThat(output.getJsonArray("shape")).containsExactly(2, 4);
      assertThat(output.getJsonArray("data")).hasSize(8);
      ctx.completeNow();
    })));
  }

  @Test
  void nestedDataNotMatchingTheShapeIs400(VertxTestContext ctx) {
    JsonArray misnested = new JsonArray().add(filled(8, 0.5))
        .add(new JsonArray(new ArrayList<>(Collections.nCopies(7, 0.5))).add(filled(1, 0.5)));
    JsonObject input = mlpInput().put("data", misnested);
    expectError(ctx, post(MLP, request(input)), 400, "input", "nested data", "[1, 16]");
  }

  @Test
  void fp32ValueOutsideItsRangeIs400(VertxTestContext ctx) {
    JsonArray data = filled(16, 0.5);
    data.set(3, 1e300);
    expectError(ctx, post(MLP, request(tensor("input", "FP32", data))), 400, "data[3]",
        "FP32 range");
  }

  @Test
  void wrongMethodNamesTheAllowedOne(VertxTestContext ctx) {
    send(HttpMethod.GET, MLP, null).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(405);
      assertThat(response.getHeader("allow")).isEqualTo("POST");
      ctx.completeNow();
    })));
  }

  // ---- routing ----------------------------------------------------------------------------------

  @Test
  void unknownModelIs404NamingIt(VertxTestContext ctx) {
    expectError(ctx, post("/v2/models/no-such-model/infer", request(mlpInput())), 404,
        "'no-such-model'");
  }

  @Test
  void unknownVersionIs404(VertxTestContext ctx) {
    expectError(ctx, post("/v2/models/mlp/versions/9/infer", request(mlpInput())), 404,
        "mlp", "'9'");
  }

  @ParameterizedTest(name = "{0} /v2/nothing")
  @ValueSource(strings = {"GET", "POST"})
  void unknownPathIs404(String method, VertxTestContext ctx) {
    expectError(ctx, send(HttpMethod.valueOf(method), "/v2/nothing", Buffer.buffer("{}")), 404,
        "/v2/nothing");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "GET,    /v2/models/mlp/infer",
      "GET,    /v2/models/mlp/versions/1/infer",
      "POST,   /v2/models/mlp",
      "DELETE, /v2"})
  void wrongMethodOnAKnownPathIs405(String method, String path, VertxTestContext ctx) {
    Buffer body = method.equals("POST") ? request(mlpInput()).toBuffer() : null;
    expectError(ctx, send(HttpMethod.valueOf(method), path, body), 405, method, path);
  }

  // ---- body size limit --------------------------------------------------------------------------

  /** The demo gateway's limit is 4 MiB, so this runs a gateway of its own. */
  @Nested
  class BodyLimit {

    @RegisterExtension
    static final GatewayExtension limited =
        GatewayExtension.demo(json -> json.getJsonObject("http").put("maxBodyBytes", 2048));

    @Test
    void bodyOverTheConfiguredLimitIs413(VertxTestContext ctx) {
      JsonObject small = request(mlpInput());
      JsonObject large = request(mlpInput()).put("id", "x".repeat(4096));
      send(limited, HttpMethod.POST, MLP, large.toBuffer())
          .compose(tooLarge -> send(limited, HttpMethod.POST, MLP, small.toBuffer())
              .map(fits -> List.of(tooLarge, fits)))
          .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
            assertError(responses.get(0), 413, "2048");
            assertThat(responses.get(1).statusCode()).as("a body under the limit").isEqualTo(200);
            ctx.completeNow();
          })));
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndItsConnectionServesTheNext(VertxTestContext ctx) {
      Buffer large = request(mlpInput()).put("id", "x".repeat(4096)).toBuffer();
      Buffer small = request(mlpInput()).toBuffer();
      // One connection at most, kept alive: the second request reuses it if it is still open.
      HttpClient client = limited.vertx().createHttpClient(new HttpClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(limited.port()),
          new PoolOptions().setHttp1MaxSize(1));
      List<HttpConnection> connections = new ArrayList<>();
      chunked(client, large, connections)
          .compose(tooLarge -> chunked(client, small, connections)
              .map(fits -> List.of(tooLarge, fits)))
          .eventually(() -> client.close())
          .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
            assertThat(statuses).containsExactly(413, 200);
            assertThat(connections.get(1)).as("the same connection").isSameAs(connections.get(0));
            ctx.completeNow();
          })));
    }

    /** Posts {@code body} without a length, in chunks of 1000 bytes; the answer's status. */
    private Future<Integer> chunked(HttpClient client, Buffer body,
        List<HttpConnection> connections) {
      return client.request(HttpMethod.POST, MLP).compose(request -> {
        connections.add(request.connection());
        request.setChunked(true).putHeader("Content-Type", "application/json");
        for (int at = 0; at < body.length(); at += 1000) {
          request.write(body.slice(at, Math.min(at + 1000, body.length())));
        }
        return request.end().compose(sent -> request.response())
            .compose(response -> response.body().map(read -> response.statusCode()));
      });
    }
  }

  // ---- afterwards -------------------------------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE)
  void gatewayStaysHealthyAndNothingWasAServerError(VertxTestContext ctx) {
    send(HttpMethod.GET, "/v2/health/ready", null)
        .compose(health -> post(MLP, request(mlpInput())).map(infer -> List.of(health, infer)))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertThat(responses.get(0).statusCode()).as("GET /v2/health/ready").isEqualTo(200);
          assertThat(responses.get(1).statusCode()).as("mlp inference").isEqualTo(200);
          assertThat(responses.get(1).bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0)
              .getJsonArray("data")).hasSize(4);
          assertThat(calls.answers()).as("answers of this suite")
              .isNotEmpty()
              .noneMatch(answer -> answer.matches(".* -> 5\\d\\d"));
          ctx.completeNow();
        })));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static JsonObject mlpInput() {
    return tensor("input", "FP32", filled(16, 0.5));
  }

  /** One valid [1, 3] tensor per type-mix input, in the model's order; a mutable list. */
  private static List<JsonObject> typeMixInputs() {
    return new ArrayList<>(List.of(
        tensor("x_fp64", "FP64", new JsonArray().add(1.5).add(-2.0).add(0.0)),
        tensor("x_int64", "INT64", new JsonArray().add(1).add(-2).add(3)),
        tensor("x_int32", "INT32", new JsonArray().add(4).add(5).add(-6)),
        tensor("x_bool", "BOOL", new JsonArray().add(true).add(false).add(true))));
  }

  /** A [1, n] tensor holding {@code data}. */
  private static JsonObject tensor(String name, String datatype, JsonArray data) {
    return new JsonObject()
        .put("name", name)
        .put("shape", new JsonArray().add(1).add(data.size()))
        .put("datatype", datatype)
        .put("data", data);
  }

  private static JsonArray filled(int count, Object value) {
    return new JsonArray(new ArrayList<>(Collections.nCopies(count, value)));
  }

  private static JsonObject request(JsonObject... inputs) {
    return request(List.of(inputs));
  }

  private static JsonObject request(List<JsonObject> inputs) {
    return new JsonObject().put("inputs", new JsonArray(new ArrayList<>(inputs)));
  }

  private static Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body.toBuffer());
  }

  private static Future<HttpResponse<Buffer>> post(String path, String body) {
    return send(HttpMethod.POST, path, Buffer.buffer(body));
  }

  private static Future<HttpResponse<Buffer>> send(HttpMethod method, String path, Buffer body) {
    return send(gateway, method, path, body);
  }

  private static Future<HttpResponse<Buffer>> send(GatewayExtension target, HttpMethod method,
      String path, Buffer body) {
    return calls.send(target, method, path, body);
  }
}
