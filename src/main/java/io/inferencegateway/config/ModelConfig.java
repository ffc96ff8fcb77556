package io.inferencegateway.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One served model: its name and version, the ONNX file (relative paths are resolved against the
 * config file's folder), how many worker verticle instances run it, its ONNX Runtime settings,
 * how its requests are batched, and its optional named-feature mapping.
 */
public record ModelConfig(String name,
    @JsonDeserialize(using = StringOrInteger.class) String version, Path path, Integer instances,
    OnnxConfig onnx, BatchingConfig batching, PredictMapping predict) {

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  public ModelConfig {
    name = Rules.safeName("name", Rules.required("name", name));
    version = Rules.safeName("version", version == null ? "1" : version);
    path = Rules.required("path", path);
    onnx = onnx == null ? new OnnxConfig(null, null, null, null, null) : onnx;
    instances = Rules.between("instances", instances, defaultInstances(onnx), 1, 64);
    batching = batching == null ? new BatchingConfig(null, null, null) : batching;
  }

  /**
   * Enough workers to keep every core busy when this model alone has work, and no more: each
   * running worker uses its own thread plus the session's other intra-op threads.
   */
  static int defaultInstances(OnnxConfig onnx) {
    return Math.max(1, Math.min(64, CORES / onnx.intraOpThreads()));
  }

  /** The named-feature mapping, when the model has one. */
  public Optional<PredictMapping> predictMapping() {
    return Optional.ofNullable(predict);
  }

  ModelConfig resolvedAgainst(Path folder) {
    return new ModelConfig(name, version, folder.resolve(path).normalize(), instances, onnx,
        batching, predict);
  }
}
