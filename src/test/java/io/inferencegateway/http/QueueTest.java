package io.inferencegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.SlowModel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model's queue slots follow its work: held from acceptance until the work has run or been
 * dropped, never by a body still arriving, and freed at once for clients that have gone.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Queue slots follow the work: abandoned work is dropped and never run")
class QueueTest {

  /**
   * Three blockers and two waves of abandoning clients fit: a wave may arrive before the gateway
   * has seen the previous one's clients go, and a blocker refused then would leave the model idle.
   */
  private static final int MAX_QUEUE = 12;
  private static final int ABANDONING = 4;
  /** A second or more of work on the model's one worker (a 2 MB body). */
  private static final int BLOCKER_ROWS = 2000;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo((json, dir) -> {
    json.getJsonArray("models").add(SlowModel.writeTo(dir));
    json.getJsonObject("inference").put("maxQueue", MAX_QUEUE).put("timeoutMs", 60_000);
  });

  private final NetClient net = gateway.vertx().createNetClient();

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void workWhoseClientHasGoneIsNeverRun(VertxTestContext ctx) {
    long runsBefore = runs();
    double abandonedBefore = requests("cancelled") + requests("overload");
    Blockers blockers = new Blockers();
    // 40 clients in waves of 4, each giving up after 200 ms, always queued behind a blocker;
    // each wave finds the slots of the previous one free again.
    blockers.start()
        .compose(running -> abandonInWaves(10))
        .compose(waves -> blockers.stop())
        .compose(answers -> SlowModel.infer(gateway, 1).map(fresh -> {
          // A blocker sent while a wave fills the queue is refused like the wave's requests.
          long ran = answers.stream().filter(answer -> answer.statusCode() == 200).count();
          long refused = answers.stream().filter(answer -> answer.statusCode() == 503).count();
          ctx.verify(() -> {
            assertThat(fresh.statusCode()).as("a fresh request afterwards").isEqualTo(200);
            assertThat(ran + refused).as("every blocker answered").isEqualTo(answers.size());
            assertThat(runs() - runsBefore)
                .as("requests run: the blockers and the fresh request only")
                .isEqualTo(ran + 1);
            assertThat(requests("cancelled") + requests("overload") - abandonedBefore - refused)
                .as("the 40 abandoned requests, dropped or refused").isEqualTo(40);
            assertThat(requests("cancelled")).as("some were accepted, then dropped")
                .isPositive();
          });
          return fresh;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void aBodyStillArrivingHoldsNoSlot(VertxTestContext ctx) {
    List<Future<NetSocket>> stalled = new ArrayList<>();
    for (int i = 0; i < MAX_QUEUE + 2; i++) {
      stalled.add(net.connect(gateway.port(), "127.0.0.1").compose(socket -> socket.write(
          "POST /v2/models/" + SlowModel.NAME + "/infer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"inputs\": [")
          .map(written -> socket)));
    }
    Future.all(stalled)
        .compose(sockets -> gateway.vertx().timer(300))
        .compose(waited -> SlowModel.infer(gateway, 1))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).as("%s", response.bodyAsString()).isEqualTo(200);
          stalled.forEach(socket -> socket.result().close());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void aDeadlineFromTheHeaderOrTheParameterIsKeptAndItsWorkNeverRun(VertxTestContext ctx) {
    long runsBefore = runs();
    Future<HttpResponse<Buffer>> blocker = SlowModel.infer(gateway, BLOCKER_ROWS);
    JsonObject withParameter = SlowModel.body(1).toJsonObject()
        .put("parameters", new JsonObject().put("timeout", 300_000));
    long[] start = new long[1];
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    busy()
        .compose(running -> {
          start[0] = System.nanoTime();
          sent.add(SlowModel.request(gateway)
              .putHeader("Request-Timeout-Ms", "300").sendBuffer(SlowModel.body(1)));
          sent.add(SlowModel.request(gateway).sendBuffer(withParameter.toBuffer()));
          sent.add(SlowModel.request(gateway)
              .putHeader("Request-Timeout-Ms", "soon").sendBuffer(SlowModel.body(1)));
          return Future.all(sent);
        })
        .compose(all -> {
          long elapsedMs = (System.nanoTime() - start[0]) / 1_000_000;
          Future<HttpResponse<Buffer>> byHeader = sent.get(0);
          Future<HttpResponse<Buffer>> byParameter = sent.get(1);
          Future<HttpResponse<Buffer>> malformed = sent.get(2);
          ctx.verify(() -> {
            assertThat(byHeader.result().statusCode()).isEqualTo(504);
            assertThat(byParameter.result().statusCode()).isEqualTo(504);
            assertThat(elapsedMs).as("both answered long before the blocker ends")
                .isLessThan(5_000);
            assertThat(blocker.isComplete()).as("the blocker still runs").isFalse();
            assertThat(malformed.result().statusCode()).isEqualTo(400);
            assertThat(malformed.result().bodyAsJsonObject().getString("error"))
                .contains("Request-Timeout-Ms").contains("soon");
          });
          return blocker;
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(runs() - runsBefore).as("only the blocker ran").isEqualTo(1);
          ctx.completeNow();
        })));
  }

  /** Completes once the model is running an inference, polling its health data. */
  private Future<Void> busy() {
    return gateway.management().get("/health").send().compose(health -> {
      boolean running = health.bodyAsJsonObject().getJsonArray("checks").stream()
          .map(JsonObject.class::cast)
          .filter(check -> check.getString("id").equals(SlowModel.NAME))
          .anyMatch(check -> check.getJsonObject("data").getInteger("running", 0) > 0);
      return running ? Future.succeededFuture()
          : gateway.vertx().timer(20).compose(waited -> busy());
    });
  }

  /** Waves of clients that give up after 200 ms, none of which may get an answer. */
  private Future<Void> abandonInWaves(int waves) {
    if (waves == 0) {
      return Future.succeededFuture();
    }
    List<Future<HttpResponse<Buffer>>> wave = new ArrayList<>();
    for (int i = 0; i < ABANDONING; i++) {
      wave.add(SlowModel.request(gateway).timeout(200).sendBuffer(SlowModel.body(1)));
    }
    return Future.join(wave).transform(ended -> {
      for (Future<HttpResponse<Buffer>> client : wave) {
        if (client.succeeded() && client.result().statusCode() != 503) {
          return Future.failedFuture("an abandoning client got an answer: "
              + client.result().statusCode());
        }
      }
      return abandonInWaves(waves - 1);
    });
  }

  /**
   * Keeps the model's one worker busy, with one large request running and, as soon as they can,
   * the next two queued: a small request is always queued behind a run that outlasts its client.
   */
  private final class Blockers {

    private final List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    private boolean stopping;

    Future<Void> start() {
      send();
      return busy().compose(running -> {
        // Two queued behind the one running: one still arriving never leaves the model idle.
        send();
        send();
        return Future.succeededFuture();
      });
    }

    /** Sends no more and waits for every one sent (each replaced the one before it). */
    Future<List<HttpResponse<Buffer>>> stop() {
      stopping = true;
      return Future.all(List.copyOf(sent)).map(done -> done.list());
    }

    private void send() {
      Future<HttpResponse<Buffer>> blocker = SlowModel.infer(gateway, BLOCKER_ROWS);
      sent.add(blocker);
      blocker.onSuccess(done -> {
        if (!stopping) {
          send();
        }
      });
    }
  }

  /** Requests that have run, batched or not: the sum of the sizes of the model's runs. */
  private static long runs() {
    return (long) gateway.metrics().registry().get("gateway.inference.batch.size")
        .tag("model", SlowModel.NAME).summary().totalAmount();
  }

  private static double requests(String outcome) {
    return gateway.metrics().registry().get("gateway.inference.requests")
        .tag("model", SlowModel.NAME).tag("outcome", outcome).counter().count();
  }
}
