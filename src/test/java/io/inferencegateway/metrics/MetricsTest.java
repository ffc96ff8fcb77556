package io.inferencegateway.metrics;

import static io.inferencegateway.support.Http.fp32Request;
import static io.inferencegateway.support.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferencegateway.support.GatewayExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Prometheus metrics: per-model meters, route-labelled HTTP metrics, request ids")
class MetricsTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo((json, dir) ->
      json.getJsonArray("models").add(new JsonObject().put("name", "absent")
          .put("path", dir.resolve("absent.onnx").toString())));

  @Test
  void perModelCountersMoveByExactlyTheRequestsSent(VertxTestContext ctx) {
    double successBefore = requests("mlp", "success");
    double clientErrorsBefore = requests("mlp", "client_error");
    long runsBefore = registry().get("gateway.inference.duration").tag("model", "mlp").timer()
        .count();
    long waitsBefore = registry().get("gateway.queue.wait").tag("model", "mlp").timer().count();
    double batchedBefore = registry().get("gateway.inference.batch.size").tag("model", "mlp")
        .summary().totalAmount();
    JsonObject wrongShape = fp32Request(new float[1][3]);
    Future.all(List.of(
            post(gateway, "/v2/models/mlp/infer", fp32Request(new float[2][16])),
            post(gateway, "/v2/models/mlp/infer", fp32Request(new float[1][16])),
            post(gateway, "/v2/models/mlp/versions/1/infer", fp32Request(new float[3][16])),
            post(gateway, "/v2/models/mlp/infer", wrongShape),
            post(gateway, "/v2/models/mlp/infer", new JsonObject().put("inputs", "none"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(requests("mlp", "success") - successBefore).isEqualTo(3);
          assertThat(requests("mlp", "client_error") - clientErrorsBefore).isEqualTo(2);
          assertThat(registry().get("gateway.inference.duration").tag("model", "mlp").timer()
              .count() - runsBefore).as("runs, batched or not").isBetween(1L, 3L);
          assertThat(registry().get("gateway.queue.wait").tag("model", "mlp").timer().count()
              - waitsBefore).as("one wait per request run").isEqualTo(3);
          assertThat(registry().get("gateway.inference.batch.size").tag("model", "mlp").summary()
              .totalAmount() - batchedBefore).as("requests over all runs").isEqualTo(3);
          ctx.completeNow();
        })));
  }

  @Test
  void vertxRunsOnTheNativeTransport() {
    assertThat(gateway.vertx().isNativeTransportEnabled())
        .as("epoll on Linux x86-64: %s", gateway.vertx().unavailableNativeTransportCause())
        .isTrue();
  }

  @Test
  void modelStateIsOneWhenReadyAndZeroWhenBroken() {
    assertThat(registry().get("gateway.model.state").tag("model", "mlp").gauge().value())
        .isEqualTo(1);
    assertThat(registry().get("gateway.model.state").tag("model", "absent").gauge().value())
        .isZero();
    assertThat(registry().get("gateway.model.load.duration").tag("model", "mlp").gauge().value())
        .isPositive();
  }

  @Test
  void scrapeIsValidPrometheusTextAndOurMetersDrawNoLintComplaint(VertxTestContext ctx) {
    assumeTrue(promtoolAvailable(), "promtool (Debian package prometheus) is not installed");
    double before = httpRequests("/v2/models/:name/infer", "POST", "200");
    post(gateway, "/v2/models/iris-classifier/infer", fp32Request(new float[1][4]))
        .compose(done -> settled(
            () -> httpRequests("/v2/models/:name/infer", "POST", "200") > before))
        .compose(settled -> gateway.management().get("/metrics").send())
        .compose(response -> {
          String text = response.bodyAsString();
          return gateway.vertx().executeBlocking(() -> promtool(text)).map(complaints -> {
            ctx.verify(() -> {
              assertThat(response.statusCode()).isEqualTo(200);
              assertThat(text).contains("gateway_inference_requests_total{")
                  .contains("gateway_inference_duration_seconds_bucket{")
                  .contains("gateway_queue_wait_seconds_bucket{")
                  .contains("gateway_inference_batch_size_count{")
                  .contains("gateway_model_state{")
                  .contains("gateway_model_load_duration_seconds{")
                  .contains("jvm_memory_used_bytes").contains("jvm_gc_").contains("jvm_threads_")
                  .contains("process_cpu_usage").contains("gateway_http_requests_total{")
                  .contains("gateway_http_request_duration_seconds_count{")
                  .doesNotContain("vertx_eventbus_").doesNotContain("vertx_http_server_");
              assertThat(complaints).noneMatch(line -> line.startsWith("gateway_"))
                  .noneMatch(line -> line.contains("error while linting"));
            });
            return complaints;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void httpMetricsAreLabelledByRouteNeverByRawPath(VertxTestContext ctx) {
    double before = httpRequests("/v2/models/:name/infer", "POST", "404");
    post(gateway, "/v2/models/no-such-model-4711/infer", fp32Request(new float[1][4]))
        .compose(done -> settled(
            () -> httpRequests("/v2/models/:name/infer", "POST", "404") > before))
        .compose(settled -> gateway.management().get("/metrics").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          String text = response.bodyAsString();
          assertThat(text).doesNotContain("no-such-model-4711")
              .contains("route=\"/v2/models/:name/infer\"");
          ctx.completeNow();
        })));
  }

  @Test
  void eachAnswerIsCountedOnceByRouteTemplateMethodAndCode(VertxTestContext ctx) {
    String infer = "/v2/models/:name/infer";
    String versioned = "/v2/models/:name/versions/:version/infer";
    double okBefore = httpRequests(infer, "POST", "200");
    double versionedBefore = httpRequests(versioned, "POST", "200");
    double unknownBefore = httpRequests(infer, "POST", "404");
    double unmatchedBefore = httpRequests("", "GET", "404");
    Future.all(List.of(
            post(gateway, "/v2/models/mlp/infer", fp32Request(new float[1][16])),
            post(gateway, "/v2/models/iris-classifier/infer", fp32Request(new float[1][4])),
            post(gateway, "/v2/models/mlp/versions/1/infer", fp32Request(new float[1][16])),
            post(gateway, "/v2/models/nobody/infer", fp32Request(new float[1][16])),
            gateway.client().get("/no/such/route").send()))
        .compose(all -> settled(() -> httpRequests(infer, "POST", "200") - okBefore >= 2
            && httpRequests(versioned, "POST", "200") - versionedBefore >= 1
            && httpRequests(infer, "POST", "404") - unknownBefore >= 1
            && httpRequests("", "GET", "404") - unmatchedBefore >= 1))
        .onComplete(ctx.succeeding(settled -> ctx.verify(() -> {
          assertThat(httpRequests(infer, "POST", "200") - okBefore).isEqualTo(2);
          assertThat(httpRequests(versioned, "POST", "200") - versionedBefore).isEqualTo(1);
          assertThat(httpRequests(infer, "POST", "404") - unknownBefore).isEqualTo(1);
          assertThat(httpRequests("", "GET", "404") - unmatchedBefore)
              .as("no route matched").isEqualTo(1);
          assertThat(registry().get("gateway.http.request.duration").tag("route", versioned)
              .tag("code", "200").timer().totalTime(TimeUnit.NANOSECONDS)).isPositive();
          ctx.completeNow();
        })));
  }

  @Test
  void requestIdIsEchoedOrGenerated(VertxTestContext ctx) {
    gateway.client().get("/v2").putHeader("X-Request-Id", "trace-42").send()
        .compose(given -> {
          ctx.verify(() -> assertThat(given.getHeader("X-Request-Id")).isEqualTo("trace-42"));
          return post(gateway, "/v2/models/mlp/infer", fp32Request(new float[1][16]));
        })
        .onComplete(ctx.succeeding(generated -> ctx.verify(() -> {
          String id = generated.getHeader("X-Request-Id");
          assertThat(UUID.fromString(id).version()).as("a random UUID: %s", id).isEqualTo(4);
          assertThat(UUID.fromString(id).variant()).isEqualTo(2);
          assertThat(generated.bodyAsJsonObject().getString("id"))
              .as("the response id falls back to the request id").isEqualTo(id);
          ctx.completeNow();
        })));
  }

  /**
   * Completes once {@code moved} holds, or after five seconds: the HTTP meters count an answer
   * once it has gone, which its client may see a moment before they move.
   */
  private static Future<Void> settled(BooleanSupplier moved) {
    return gateway.vertx().executeBlocking(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!moved.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      return null;
    });
  }

  private static double httpRequests(String route, String method, String code) {
    Counter counter = registry().find("gateway.http.requests")
        .tags("route", route, "method", method, "code", code).counter();
    return counter == null ? 0 : counter.count();
  }

  private static MeterRegistry registry() {
    return gateway.metrics().registry();
  }

  private static double requests(String model, String outcome) {
    return registry().get("gateway.inference.requests")
        .tag("model", model).tag("outcome", outcome).counter().count();
  }

  private static boolean promtoolAvailable() {
    return Files.isExecutable(Path.of("/usr/bin/promtool"));
  }

  /** promtool's own parser and linter: one line per complaint, an error line if it cannot parse. */
  private static List<String> promtool(String text) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("promtool", "check", "metrics")
        .redirectErrorStream(true).start();
    process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output.lines().toList();
  }
}
