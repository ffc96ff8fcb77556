package io.inferencegateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sends requests and records every answer as "METHOD path -> status", so that a suite can prove
 * none of its requests was a server error; and checks error answers for the protocol's shape.
 */
public final class RecordedCalls {

  private final Queue<String> answers = new ConcurrentLinkedQueue<>();

  /** Sends {@code body} as JSON, or no body when it is null. */
  public Future<HttpResponse<Buffer>> send(GatewayExtension target, HttpMethod method, String path,
      Buffer body) {
    var request = target.client().request(method, path);
    Future<HttpResponse<Buffer>> response = body == null
        ? request.send()
        : request.putHeader("content-type", "application/json").sendBuffer(body);
    return response.andThen(done -> {
      if (done.succeeded()) {
        answers.add(method + " " + path + " -> " + done.result().statusCode());
      }
    });
  }

  public Queue<String> answers() {
    return answers;
  }

  public static void expectError(VertxTestContext ctx, Future<HttpResponse<Buffer>> response,
      int status, String... mentions) {
    response.onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
      assertError(answer, status, mentions);
      ctx.completeNow();
    })));
  }

  /** The exact status, a JSON content type, and a body that is only {"error": "..."}. */
  public static void assertError(HttpResponse<Buffer> response, int status, String... mentions) {
    String text = response.bodyAsString();
    assertThat(response.statusCode()).as("status of the answer %s", text).isEqualTo(status);
    assertThat(mediaType(response)).as("content-type").isEqualTo("application/json");
    Object json = Json.decodeValue(response.body());
    assertThat(json).as("body %s", text).isInstanceOf(JsonObject.class);
    JsonObject body = (JsonObject) json;
    assertThat(body.fieldNames()).as("fields of %s", text).containsExactly("error");
    assertThat(body.getValue("error")).as("error of %s", text).isInstanceOf(String.class);
    assertThat(body.getString("error")).isNotBlank().contains(mentions);
  }

  private static String mediaType(HttpResponse<Buffer> response) {
    String header = response.getHeader("content-type");
    return header == null ? null : header.split(";")[0].trim().toLowerCase();
  }
}
