package io.inferencegateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which of the HTTP front's requests run on the event loop that took them. With batching on, the
 * short requests an event loop takes in one turn run together once the turn is over: one run, on
 * that loop, with answers equal to separate runs'. A longer request runs there only when it is
 * alone on its loop and the model is idle. The demo MLP on a real worker verticle and a real
 * event loop; the requests are handed to the scheduler as the HTTP front does, all within one
 * task of the loop, as requests read from one batch of ready connections are.
 */
@DisplayName("Requests from the HTTP front that run on their event loop")
class EventLoopRunsTest {

  private static final int WIDTH = 16;

  private Vertx vertx;
  private GatewayMetrics metrics;
  private ServedModel model;
  private ModelScheduler scheduler;
  /** The event-loop thread that handed the requests over. */
  private volatile Thread submitter;

  @BeforeEach
  void deploy() throws Exception {
    metrics = new GatewayMetrics();
    vertx = Vertx.vertx();
    ModelConfig config = ConfigReader.parseModel(new JsonObject().put("name", "mlp")
        .put("path", "models/mlp/1/model.onnx").put("instances", 1), Path.of("conf"));
    model = new ModelRegistry(metrics, 10_000, null).prepare(config);
    scheduler = new ModelScheduler(vertx, model, new QueueSlots(64));
    vertx.deployVerticle(() -> new ModelVerticle(model.runtime(), scheduler),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(1))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void requestsTakenInOneTurnRunOnceOnTheLoopAndAnswerAsAlone() throws Exception {
    Context loop = vertx.getOrCreateContext();
    Random random = new Random(7);
    InferRequest largest = request(random, 3);
    // Until the model's runs are known to be short, requests go to the worker; the first runs,
    // before the JIT and ONNX Runtime's caches warm up, are slow.
    for (int i = 0; i < 5_000 && !isShort(largest); i++) {
      submitAll(loop, List.of(largest), false).get(0).get(10, TimeUnit.SECONDS);
    }
    assertThat(isShort(largest)).as("the demo MLP's runs are short").isTrue();

    List<InferRequest> requests = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      requests.add(request(random, 1 + random.nextInt(3)));
    }
    InferRequest gone = request(random, 2);
    gone.cancellation().cancel();
    requests.add(3, gone);
    long runsBefore = batchSizes().count();

    List<Answered> answers = new ArrayList<>();
    for (CompletableFuture<Answered> answer : submitAll(loop, requests, false)) {
      answers.add(answer.get(10, TimeUnit.SECONDS));
    }

    assertThat(batchSizes().count() - runsBefore).as("runs for the seven live requests")
        .isEqualTo(1);
    assertThat(batchSizes().max()).as("requests in the one run").isEqualTo(7);
    for (int i = 0; i < requests.size(); i++) {
      Answered answered = answers.get(i);
      if (requests.get(i) == gone) {
        assertThat(answered.failure()).as("the request whose client has gone").isNotNull();
        assertThat(answered.failure().kind()).isEqualTo(RequestFailure.Kind.CANCELLED);
        continue;
      }
      assertThat(answered.failure()).as("request %s", i).isNull();
      assertThat(answered.thread()).as("answered on the loop that took it").isSameAs(submitter);
      InferResult alone = (InferResult) model.runtime().serve(requests.get(i));
      assertThat(answered.result().outputs()).hasSameSizeAs(alone.outputs());
      for (int o = 0; o < alone.outputs().size(); o++) {
        Tensor batched = answered.result().outputs().get(o);
        assertThat(batched.shape()).isEqualTo(alone.outputs().get(o).shape());
        assertThat((float[]) batched.data()).as("request %s, output %s", i, o)
            .isEqualTo((float[]) alone.outputs().get(o).data());
      }
    }
  }

  /**
   * A batched run is learned as one run of all its rows: after a single run of eight rows, a lone
   * row is expected to take as long, not the eighth a per-row average would give, which for a
   * large model would take a long run onto an event loop.
   */
  @Test
  void aBatchedRunIsLearnedAsOneRunOfAllItsRows() {
    Random random = new Random(11);
    List<InferRequest> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(request(random, 1));
    }

    model.runtime().serveBatch(requests);

    double tookNanos = metrics.registry().get("gateway.inference.duration").tag("model", "mlp")
        .timer().totalTime(TimeUnit.NANOSECONDS);
    assertThat((double) model.runtime().expectedRunNanos(requests.get(0)))
        .as("a one-row request's expected run after one run of eight rows")
        .isCloseTo(tookNanos, Percentage.withPercentage(1));
  }

  /**
   * A request longer than a short one but well under a millisecond runs on its event loop when it
   * is alone there and the model is idle; among other requests on the loop, or while the model's
   * worker is busy, it goes to the worker.
   */
  @Test
  void aLongerRequestRunsOnItsLoopOnlyWhenAloneThereAndTheModelIsIdle() throws Exception {
    Context loop = vertx.getOrCreateContext();
    Random random = new Random(11);
    InferRequest longer = longerThanShort(loop, random);
    // The worker answered the last run just before it went back to waiting for work.
    Thread.sleep(200);

    Answered alone = submitAll(loop, List.of(longer), true).get(0).get(10, TimeUnit.SECONDS);
    Answered amongOthers =
        submitAll(loop, List.of(longer), false).get(0).get(10, TimeUnit.SECONDS);
    // The first, expected to take a few milliseconds, goes to the one worker even alone and
    // keeps it busy: the model is not idle when the second arrives.
    List<CompletableFuture<Answered>> behindBusyWorker =
        submitAll(loop, List.of(request(random, 16 * (int) rows(longer)), longer), true);

    assertThat(alone.failure()).isNull();
    assertThat(alone.thread()).as("alone on the loop, model idle").isSameAs(submitter);
    assertThat(amongOthers.failure()).isNull();
    assertThat(amongOthers.thread()).as("among other requests on the loop")
        .isNotSameAs(submitter);
    Answered second = behindBusyWorker.get(1).get(10, TimeUnit.SECONDS);
    assertThat(second.failure()).isNull();
    assertThat(second.thread()).as("alone on the loop, the model's worker busy")
        .isNotSameAs(submitter);
  }

  /**
   * A request of the demo MLP expected to run between 120 and 450 µs, well inside the range where
   * only a request alone on its loop runs there; its size found from the worker's runs.
   */
  private InferRequest longerThanShort(Context loop, Random random) throws Exception {
    int rows = 256;
    for (int attempt = 0; attempt < 40; attempt++) {
      InferRequest candidate = request(random, rows);
      for (int i = 0; i < 30; i++) {
        submitAll(loop, List.of(candidate), false).get(0).get(10, TimeUnit.SECONDS);
      }
      long expected = model.runtime().expectedRunNanos(candidate);
      if (expected >= 120_000 && expected <= 450_000) {
        return candidate;
      }
      rows = (int) Math.max(1, rows * 250_000L / Math.max(1, expected));
    }
    throw new AssertionError("no request size of the demo MLP runs in 120 to 450 µs here");
  }

  private static long rows(InferRequest request) {
    return request.inputs().get(0).shape()[0];
  }

  /**
   * Hands every request to the scheduler within one task of {@code loop}, as requests
   * {@code alone} on their loop or not.
   */
  private List<CompletableFuture<Answered>> submitAll(Context loop, List<InferRequest> requests,
      boolean alone) {
    List<CompletableFuture<Answered>> answers = new ArrayList<>();
    requests.forEach(request -> answers.add(new CompletableFuture<>()));
    loop.runOnContext(turn -> {
      submitter = Thread.currentThread();
      for (int i = 0; i < requests.size(); i++) {
        CompletableFuture<Answered> answer = answers.get(i);
        scheduler.submit(requests.get(i), new Answer() {
          @Override
          public void send(Object result) {
            answer.complete(new Answered((InferResult) result, null, Thread.currentThread()));
          }

          @Override
          public void fail(RequestFailure failure) {
            answer.complete(new Answered(null, failure, Thread.currentThread()));
          }
        }, alone);
      }
    });
    return answers;
  }

  private boolean isShort(InferRequest request) {
    long expected = model.runtime().expectedRunNanos(request);
    return expected > 0 && expected < 50_000;
  }

  private DistributionSummary batchSizes() {
    return metrics.registry().get("gateway.inference.batch.size").tag("model", "mlp").summary();
  }

  private static InferRequest request(Random random, int rows) {
    float[] data = new float[rows * WIDTH];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    return new InferRequest("r" + random.nextInt(), List.of(new Tensor("input", DataType.FP32,
        new long[] {rows, WIDTH}, data)), List.of(), System.nanoTime(),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(30), new Cancellation());
  }

  private record Answered(InferResult result, RequestFailure failure, Thread thread) {
  }
}
