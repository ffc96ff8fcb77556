package io.inferencegateway.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One served model: its name and version, the ONNX file (relative paths are resolved against the
 * config file's folder) or, without one, the versions its repository folder holds and which of
 * them to serve; how many worker verticle instances run it, its ONNX Runtime settings, how its
 * requests are batched, and its optional named-feature mapping.
 */
public record ModelConfig(String name,
    @JsonDeserialize(using = StringOrInteger.class) String version, Path path, Integer instances,
    OnnxConfig onnx, BatchingConfig batching, PredictMapping predict,
    VersionPolicy versionPolicy) {

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  public ModelConfig {
    name = Rules.safeName("name", Rules.required("name", name));
    version = Rules.safeName("version", version == null ? "1" : version);
    if (path != null && versionPolicy != null) {
      throw new ConfigException("versionPolicy", "applies to models served from the repository "
          + "folder, which give no path");
    }
    versionPolicy = path == null && versionPolicy == null ? VersionPolicy.latestOne()
        : versionPolicy;
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

  /** Whether the versions come from the repository folder rather than a file named here. */
  public boolean fromFolder() {
    return path == null;
  }

  /** This model's entry for one version's file. */
  public ModelConfig at(String version, Path path) {
    return new ModelConfig(name, version, path, instances, onnx, batching, predict, null);
  }

  ModelConfig resolvedAgainst(Path folder) {
    return path == null ? this : new ModelConfig(name, version, folder.resolve(path).normalize(),
        instances, onnx, batching, predict, versionPolicy);
  }
}
