package io.inferencegateway.model;

import ai.onnxruntime.OrtException;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.config.OutputKind;
import io.inferencegateway.config.PredictMapping;
import io.inferencegateway.metrics.ModelMetrics;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one configured model is at run time: its sessions once loaded, or why they failed to
 * load, and the inferences running on it. Shared by the model's worker instances and its status
 * verticle, so every field is safe to read from any thread.
 */
public final class ModelRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

  private final ModelConfig config;
  private final long stuckAfterMillis;
  private final ModelMetrics metrics;
  private final RunningRuns running = new RunningRuns();
  private volatile Loaded loaded;
  private volatile String loadError;
  private volatile double loadSeconds = Double.NaN;
  /** What a run costs, from the runs so far. */
  private final RunCost runCost = new RunCost();
  private int users;

  private record Loaded(OnnxModel onnx, Optional<TribuoPredictor<?>> tribuo, boolean batching,
      long loadMillis, Instant loadedAt) {
  }

  public ModelRuntime(ModelConfig config, long stuckAfterMillis, ModelMetrics metrics) {
    this.config = config;
    this.stuckAfterMillis = stuckAfterMillis;
    this.metrics = metrics;
  }

  /** Makes the model's state and load time the ones its metrics report: it is being served. */
  void publishState() {
    metrics.watch(() -> state() == ModelState.READY ? 1 : 0, () -> loadSeconds);
  }

  /** This version is no longer served by any deployment: its state is no longer reported. */
  public void unpublishState() {
    metrics.unwatch();
  }

  public ModelConfig config() {
    return config;
  }

  /**
   * Loads the model once, however many instances ask; blocks, so only worker threads call it. A
   * model that cannot load is recorded as failed instead of stopping the gateway. Every instance
   * that called it calls {@link #release()} when it stops.
   */
  public synchronized void load() {
    users++;
    if (loaded != null || loadError != null) {
      return;
    }
    long start = System.nanoTime();
    try {
      checkFile();
      OnnxModel onnx = OnnxModel.open(config.path(), config.onnx());
      Optional<TribuoPredictor<?>> tribuo = openTribuo(onnx);
      long millis = (System.nanoTime() - start) / 1_000_000;
      loadSeconds = (System.nanoTime() - start) / 1e9;
      loaded = new Loaded(onnx, tribuo, batching(onnx), millis, Instant.now());
      LOG.info("Loaded model {} version {} from {} in {} ms", config.name(), config.version(),
          config.path(), millis);
    } catch (Exception e) {
      loadSeconds = (System.nanoTime() - start) / 1e9;
      loadError = e.getMessage() == null ? e.toString() : e.getMessage();
      LOG.error("Model {} version {} failed to load from {}: {}", config.name(), config.version(),
          config.path(), loadError);
    }
  }

  /**
   * Batching is on when configured so or left to the model, and every input and output of the
   * model has a dynamic first dimension to join requests along.
   */
  private boolean batching(OnnxModel onnx) {
    Boolean wanted = config.batching().enabled();
    if (Boolean.FALSE.equals(wanted)) {
      return false;
    }
    boolean possible = onnx.batchable();
    if (!possible && Boolean.TRUE.equals(wanted)) {
      LOG.warn("Model {} version {}: batching is off, since not every input and output has a "
          + "dynamic first dimension", config.name(), config.version());
    }
    return possible;
  }

  private void checkFile() {
    if (!Files.exists(config.path())) {
      throw new IllegalStateException("model file " + config.path() + " does not exist");
    }
    if (!Files.isRegularFile(config.path())) {
      throw new IllegalStateException("model path " + config.path() + " is not a file");
    }
  }

  /** The named-feature predictor, when configured; the session is closed if it cannot open. */
  private Optional<TribuoPredictor<?>> openTribuo(OnnxModel onnx) throws Exception {
    if (config.predictMapping().isEmpty()) {
      return Optional.empty();
    }
    try {
      PredictMapping mapping = config.predictMapping().get();
      TensorSpec input = single("input", onnx.signature().inputs());
      requireWidth(input, mapping.features().size(), "features");
      requireWidth(single("output", onnx.signature().outputs()), mapping.outputs().size(),
          mapping.kind() == OutputKind.CLASSIFICATION ? "labels" : "targets");
      return Optional.of(TribuoPredictor.open(config.path(), input.name(), mapping,
          config.onnx()));
    } catch (Exception e) {
      onnx.close();
      throw e;
    }
  }

  /**
   * Called by each instance as it stops, after its last request; the last one closes the
   * sessions, which no run can be using any more.
   */
  public synchronized void release() {
    if (--users > 0 || loaded == null) {
      return;
    }
    Loaded model = loaded;
    loaded = null;
    loadError = "the model has been stopped";
    LOG.info("Model {} version {} is no longer served", config.name(), config.version());
    model.tribuo().ifPresent(TribuoPredictor::close);
    try {
      model.onnx().close();
    } catch (OrtException e) {
      LOG.warn("Model {} version {}: closing its session failed: {}", config.name(),
          config.version(), e.getMessage());
    }
  }

  /** Refuses, before it is queued, a request the model cannot serve. */
  public void check(ModelRequest request) {
    Loaded model = ready();
    if (request instanceof InferRequest infer) {
      model.onnx().check(infer);
    } else {
      tribuo(model);
    }
  }

  /** Serves one checked request. */
  public Object serve(ModelRequest request) {
    Loaded model = ready();
    if (request instanceof InferRequest infer) {
      return tracked(List.of(infer), () -> model.onnx().run(infer));
    }
    PredictRequest predict = (PredictRequest) request;
    return tracked(List.of(predict), () -> tribuo(model).predict(predict));
  }

  /**
   * Serves checked, compatible requests in one run; fails when the run fails or the model's
   * outputs do not have one row per input row.
   */
  public List<InferResult> serveBatch(List<InferRequest> requests) {
    Loaded model = ready();
    InferResult joined = tracked(requests, () -> model.onnx().run(TensorBatch.join(requests)));
    return TensorBatch.split(joined, requests).orElseThrow(() -> new IllegalStateException(
        "the outputs of model '" + config.name() + "' do not have one row per input row"));
  }

  /** The most rows one run may take: 1 when the model's requests are not batched. */
  public int maxBatchRows() {
    Loaded model = loaded;
    return model != null && model.batching() ? config.batching().maxBatchSize() : 1;
  }

  /** How long the oldest request may wait for others to join its batch. */
  public long maxQueueDelayNanos() {
    return TimeUnit.MICROSECONDS.toNanos(config.batching().maxQueueDelayMicros());
  }

  private TribuoPredictor<?> tribuo(Loaded model) {
    return model.tribuo().orElseThrow(() -> RequestFailure.badRequest("model '" + config.name()
        + "' has no named-feature mapping; send tensors to /v2/models/" + config.name()
        + "/infer instead"));
  }

  public ModelState state() {
    if (loadError != null) {
      return ModelState.FAILED;
    }
    if (loaded == null) {
      return ModelState.LOADING;
    }
    return longestRunMillis() > stuckAfterMillis ? ModelState.STUCK : ModelState.READY;
  }

  /** The model's state as a probe reports it: once loaded its signature and load facts. */
  public ModelStatus status() {
    ModelState state = state();
    Optional<String> error = switch (state) {
      case FAILED -> Optional.of(loadError);
      case STUCK -> Optional.of("an inference has been running for " + longestRunMillis()
          + " ms, longer than the limit of " + stuckAfterMillis + " ms");
      default -> Optional.empty();
    };
    Loaded model = loaded;
    return new ModelStatus(state, config.version(), error, Optional.ofNullable(model)
        .map(done -> new ModelStatus.Loaded(done.onnx().signature(), done.loadMillis(),
            done.loadedAt(), running.count())));
  }

  private Loaded ready() {
    Loaded model = loaded;
    if (model == null) {
      throw new RequestFailure(RequestFailure.Kind.NOT_READY, "model '" + config.name()
          + "' is not ready: " + (loadError != null ? loadError : "still loading"));
    }
    return model;
  }

  /**
   * Runs the requests' one run, visible to the stuck check while it runs; successful runs are
   * measured, with each request's wait.
   */
  private <R> R tracked(List<? extends ModelRequest> requests, Supplier<R> run) {
    long start = System.nanoTime();
    RunningRuns.Slot slot = running.started(start);
    try {
      R result = run.get();
      long took = System.nanoTime() - start;
      metrics.ran(took, requests.size());
      learn(took, requests);
      for (ModelRequest request : requests) {
        metrics.waited(start - request.arrivalNanos());
      }
      return result;
    } finally {
      slot.ended();
    }
  }

  /** How long an inference should take to run alone; 0 when nothing has been timed yet. */
  long expectedRunNanos(InferRequest request) {
    return runCost.expectedNanos(elements(request));
  }

  private void learn(long tookNanos, List<? extends ModelRequest> requests) {
    long elements = 0;
    for (ModelRequest request : requests) {
      if (!(request instanceof InferRequest infer)) {
        return;
      }
      elements += elements(infer);
    }
    runCost.ran(elements, tookNanos);
  }

  private static long elements(InferRequest request) {
    long elements = 0;
    for (Tensor input : request.inputs()) {
      elements += Tensor.elementCount(input.shape());
    }
    return elements;
  }

  private long longestRunMillis() {
    return running.longestNanos(System.nanoTime()) / 1_000_000;
  }

  private static TensorSpec single(String what, List<TensorSpec> tensors) {
    if (tensors.size() != 1) {
      throw new IllegalStateException("a named-feature model must have exactly one " + what
          + ", found " + tensors.size());
    }
    return tensors.get(0);
  }

  /** The mapping must name one feature (or label) per column the model has. */
  private static void requireWidth(TensorSpec tensor, int names, String key) {
    long[] shape = tensor.shape();
    long columns = shape.length == 0 ? 1 : shape[shape.length - 1];
    if (columns >= 0 && columns != names) {
      throw new IllegalStateException("predict." + key + " names " + names + " but the model's "
          + tensor.name() + " has " + columns + " columns");
    }
  }
}
