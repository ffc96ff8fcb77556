package io.inferencegateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The meters of one model, labelled {@code model} and {@code version}. Meter names are defined
 * here once; Micrometer's Prometheus registry adds the unit and {@code _total} suffixes.
 */
public final class ModelMetrics {

  static final String REQUESTS = "gateway.inference.requests";
  static final String INFERENCE_DURATION = "gateway.inference.duration";
  static final String QUEUE_WAIT = "gateway.queue.wait";
  static final String BATCH_SIZE = "gateway.inference.batch.size";
  static final String MODEL_STATE = "gateway.model.state";
  static final String LOAD_DURATION = "gateway.model.load.duration";

  private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
  private final Timer inference;
  private final Timer queueWait;
  private final DistributionSummary batchSize;
  private final MeterRegistry registry;
  private final Tags tags;
  private volatile DoubleSupplier ready;
  private Gauge stateGauge;
  private Gauge loadGauge;
  private volatile DoubleSupplier loadSeconds;

  public ModelMetrics(MeterRegistry registry, String model, String version) {
    this.registry = registry;
    this.tags = Tags.of("model", model, "version", version);
    for (Outcome outcome : Outcome.values()) {
      requests.put(outcome, Counter.builder(REQUESTS)
          .description("Inference requests by how they ended")
          .tags(tags).tag("outcome", outcome.label())
          .register(registry));
    }
    this.inference = latency(INFERENCE_DURATION, "Time spent in ONNX Runtime per run");
    this.queueWait = latency(QUEUE_WAIT,
        "Time from arrival at the HTTP verticle to the start of the run");
    this.batchSize = DistributionSummary.builder(BATCH_SIZE)
        .description("Requests combined into one ONNX Runtime run")
        .tags(tags)
        .register(registry);
  }

  /**
   * Publishes the model's state and load time, read from the model whenever scraped. Called again
   * when another deployment of the same version takes over: the gauges then read that one.
   */
  public synchronized void watch(DoubleSupplier ready, DoubleSupplier loadSeconds) {
    boolean first = this.ready == null;
    this.ready = ready;
    this.loadSeconds = loadSeconds;
    if (!first) {
      return;
    }
    stateGauge = Gauge.builder(MODEL_STATE, this, metrics -> read(metrics.ready))
        .description("1 when the model is ready to serve, 0 when not")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    loadGauge = Gauge.builder(LOAD_DURATION, this, metrics -> read(metrics.loadSeconds))
        .description("Time the model took to load, or to fail loading")
        .baseUnit("seconds")
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Takes the state and load-time gauges down: this version is no longer served. Its counters
   * stay, so that rates over them do not jump.
   */
  public synchronized void unwatch() {
    if (ready == null) {
      return;
    }
    registry.remove(stateGauge);
    registry.remove(loadGauge);
    ready = null;
    loadSeconds = null;
  }

  /** A scrape that began before {@link #unwatch} may still read the gauge. */
  private static double read(DoubleSupplier supplier) {
    return supplier == null ? Double.NaN : supplier.getAsDouble();
  }

  public void request(Outcome outcome) {
    requests.get(outcome).increment();
  }

  /** One run: how long it took and how many requests it served. */
  public void ran(long runNanos, int requestsInRun) {
    inference.record(runNanos, TimeUnit.NANOSECONDS);
    batchSize.record(requestsInRun);
  }

  /** How long one request waited from its arrival to the start of its run. */
  public void waited(long waitNanos) {
    queueWait.record(waitNanos, TimeUnit.NANOSECONDS);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }
}
