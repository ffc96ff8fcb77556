package io.inferencegateway.health;

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
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Health under inference load: busy is UP, stuck past the limit is DOWN")
class BusyModelTest {

  private static final int QUEUED = 4;
  private static final int ROWS = 600;
  private static final long HEALTH_TIMEOUT_MS = 2000;

  @RegisterExtension
  static final GatewayExtension busy = withSlowModel(config -> { });

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void busyModelStaysUpAndAnswersProbesAtOnce(VertxTestContext ctx) {
    Future<List<HttpResponse<Buffer>>> load = flood(busy);
    List<JsonObject> probes = new ArrayList<>();
    pollHealth(busy, load, (response, elapsedMs) -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(elapsedMs).isLessThan(HEALTH_TIMEOUT_MS);
      JsonObject slow = BrokenModelTest.checksById(response.bodyAsJsonObject())
          .get(SlowModel.NAME);
      assertThat(slow.getString("status")).isEqualTo("UP");
      probes.add(slow.getJsonObject("data"));
    }));
    load.onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
      assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(probes).as("probes answered while inference was running")
          .anySatisfy(data -> assertThat(data.getInteger("running")).isPositive());
      ctx.completeNow();
    })));
  }

  @Nested
  @DisplayName("with a stuck limit of 50 ms")
  class Stuck {

    @RegisterExtension
    static final GatewayExtension stuckAfter50ms = withSlowModel(config ->
        config.getJsonObject("health").put("stuckAfterMs", 50));

    @Test
    @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
    void modelStuckPastTheLimitTurnsDownThenRecovers(VertxTestContext ctx) {
      GatewayExtension gateway = stuckAfter50ms;
      Future<List<HttpResponse<Buffer>>> load = flood(gateway);
      List<JsonObject> stuck = new ArrayList<>();
      pollHealth(gateway, load, (response, elapsedMs) -> {
        JsonObject slow = BrokenModelTest.checksById(response.bodyAsJsonObject())
            .get(SlowModel.NAME);
        if (response.statusCode() == 503
            && "STUCK".equals(slow.getJsonObject("data").getString("state"))) {
          stuck.add(slow);
        }
      });
      load.compose(done -> gateway.management().get("/health").send())
          .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
            assertThat(stuck).as("a probe saw the long inference as STUCK").isNotEmpty();
            assertThat(stuck.get(0).getString("status")).isEqualTo("DOWN");
            assertThat(stuck.get(0).getJsonObject("data").getString("error"))
                .contains("longer than the limit of 50 ms");
            assertThat(after.statusCode()).as("healthy again once it finished").isEqualTo(200);
            ctx.completeNow();
          })));
    }
  }

  private static GatewayExtension withSlowModel(Consumer<JsonObject> more) {
    return GatewayExtension.demo((config, dir) -> {
      config.getJsonArray("models").add(SlowModel.writeTo(dir));
      config.getJsonObject("inference").put("timeoutMs", 60_000);
      more.accept(config);
    });
  }

  private static Future<List<HttpResponse<Buffer>>> flood(GatewayExtension gateway) {
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < QUEUED; i++) {
      requests.add(SlowModel.infer(gateway, ROWS));
    }
    return Future.all(requests).map(all -> all.list());
  }

  /** Probes /health one request after another until the load has finished. */
  private static void pollHealth(GatewayExtension gateway, Future<?> load,
      BiConsumer<HttpResponse<Buffer>, Long> check) {
    if (load.isComplete()) {
      return;
    }
    long start = System.nanoTime();
    gateway.management().get("/health").send().onSuccess(response -> {
      check.accept(response, (System.nanoTime() - start) / 1_000_000);
      pollHealth(gateway, load, check);
    });
  }
}
