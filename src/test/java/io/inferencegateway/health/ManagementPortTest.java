package io.inferencegateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Probes on the management port while the data port parses a flood of bodies near the 4 MiB
 * limit. The figure is printed; the assertion only bounds it generously, since a shared machine
 * makes any tight timing flaky.
 */
@DisplayName("The management port answers health promptly while the data port is flooded")
class ManagementPortTest {

  private static final int FLOODERS = 8;
  private static final long FLOOD_MS = 6000;
  private static final long PROBE_EVERY_MS = 100;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo();

  @Test
  void healthAnswersPromptlyUnderAFloodOfLargeBodies() throws Exception {
    Buffer large = largeBody();
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger floodAnswers = new AtomicInteger();
    List<Future<Void>> flooders = new ArrayList<>();
    for (int i = 0; i < FLOODERS; i++) {
      flooders.add(flood(gateway.client(), large, flooding, floodAnswers));
    }
    List<Long> management = new ArrayList<>();
    List<Long> dataPort = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOOD_MS);
    while (System.nanoTime() < end) {
      management.add(timed(gateway.management(), "/health"));
      dataPort.add(timed(gateway.client(), "/v2/health/ready"));
      Thread.sleep(PROBE_EVERY_MS);
    }
    flooding.set(false);
    Future.join(flooders).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    System.out.printf("under a flood of %d x %.1f MB bodies (%d answered): management /health "
            + "p50 %d ms, max %d ms over %d probes; data port /v2/health/ready p50 %d ms, "
            + "max %d ms%n", FLOODERS, large.length() / 1e6, floodAnswers.get(),
        median(management), Collections.max(management), management.size(), median(dataPort),
        Collections.max(dataPort));
    assertThat(floodAnswers.get()).as("large bodies answered").isPositive();
    assertThat(Collections.max(management)).as("slowest management probe, ms")
        .isLessThan(3000);
  }

  /** A 200 answer's time in ms; a probe that is not a 200 fails the test. */
  private static long timed(WebClient client, String path) throws Exception {
    long start = System.nanoTime();
    HttpResponse<Buffer> response = client.get(path).send().toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static Future<Void> flood(WebClient client, Buffer body, AtomicBoolean flooding,
      AtomicInteger answers) {
    if (!flooding.get()) {
      return Future.succeededFuture();
    }
    return client.post("/v2/models/mlp/infer").putHeader("content-type", "application/json")
        .sendBuffer(body)
        .compose(response -> {
          if (response.statusCode() == 200) {
            answers.incrementAndGet();
          }
          return flood(client, body, flooding, answers);
        });
  }

  /** An mlp request of about 3.6 MB: 24,000 rows of 16 numbers. */
  private static Buffer largeBody() {
    int rows = 24_000;
    StringBuilder json = new StringBuilder(rows * 16 * 10 + 100)
        .append("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[")
        .append(rows).append(",16],\"data\":[");
    for (int i = 0; i < rows * 16; i++) {
      json.append(i == 0 ? "" : ",").append(0.125 + (i % 97) / 1000.0);
    }
    return Buffer.buffer(json.append("]}]}").toString());
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
