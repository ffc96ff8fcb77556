package io.inferencegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.SlowModel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Overload answers 503 at once, a late answer 504, and the gateway recovers")
class OverloadTest {

  @RegisterExtension
  static final GatewayExtension queueOfTwo =
      withSlowModel(config -> config.getJsonObject("inference").put("maxQueue", 2));

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void requestsPastTheQueueLimitAre503(VertxTestContext ctx) {
    GatewayExtension gateway = queueOfTwo;
    burst(gateway, 8, 600)
        .compose(responses -> SlowModel.infer(gateway, 1).map(after -> {
          ctx.verify(() -> {
            List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
            assertThat(statuses).containsOnly(200, 503).contains(200, 503);
            HttpResponse<Buffer> shed = responses.stream()
                .filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
            assertThat(shed.bodyAsJsonObject().getString("error"))
                .contains("overloaded").contains(SlowModel.NAME);
            assertThat(shed.getHeader("retry-after")).isEqualTo("1");
            assertThat(after.statusCode()).as("served again once the queue drained")
                .isEqualTo(200);
          });
          return after;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Nested
  @DisplayName("with a request deadline of 100 ms")
  class Deadline {

    @RegisterExtension
    static final GatewayExtension deadline100ms =
        withSlowModel(config -> config.getJsonObject("inference").put("timeoutMs", 100));

    @Test
    @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
    void answerLaterThanTheInferenceTimeoutIs504(VertxTestContext ctx) {
      GatewayExtension gateway = deadline100ms;
      burst(gateway, 3, 1200)
          .compose(responses -> untilServed(gateway, 40).map(after -> {
            ctx.verify(() -> {
              assertThat(responses).allSatisfy(response -> {
                assertThat(response.statusCode()).isEqualTo(504);
                assertThat(response.bodyAsJsonObject().getString("error"))
                    .contains(SlowModel.NAME);
              });
              assertThat(after.statusCode()).as("a small request fits the timeout once the "
                  + "late work is done").isEqualTo(200);
            });
            return after;
          }))
          .onComplete(ctx.succeedingThenComplete());
    }
  }

  private static GatewayExtension withSlowModel(Consumer<JsonObject> edit) {
    return GatewayExtension.demo((config, dir) -> {
      config.getJsonArray("models").add(SlowModel.writeTo(dir));
      edit.accept(config);
    });
  }

  /** The late request still runs after its 504; small requests succeed once it is done. */
  private static Future<HttpResponse<Buffer>> untilServed(GatewayExtension gateway, int attempts) {
    return SlowModel.infer(gateway, 1).compose(response -> response.statusCode() == 200
        || attempts == 1
        ? Future.succeededFuture(response)
        : gateway.vertx().timer(250).compose(waited -> untilServed(gateway, attempts - 1)));
  }

  private static Future<List<HttpResponse<Buffer>>> burst(GatewayExtension gateway, int count,
      int rows) {
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      requests.add(SlowModel.infer(gateway, rows));
    }
    return Future.all(requests).map(all -> all.list());
  }
}
