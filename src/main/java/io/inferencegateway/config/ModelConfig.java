package io.inferencegateway.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One served model: its name and version, the ONNX file (relative paths are resolved against the
 * config file's folder), how many worker verticle instances run it, and its optional
 * named-feature mapping.
 */
public record ModelConfig(String name,
    @JsonDeserialize(using = StringOrInteger.class) String version, Path path, Integer instances,
    PredictMapping predict) {

  public ModelConfig {
    name = Rules.safeName("name", Rules.required("name", name));
    version = Rules.safeName("version", version == null ? "1" : version);
    path = Rules.required("path", path);
    instances = Rules.between("instances", instances, 1, 1, 64);
  }

  /** The named-feature mapping, when the model has one. */
  public Optional<PredictMapping> predictMapping() {
    return Optional.ofNullable(predict);
  }

  ModelConfig resolvedAgainst(Path folder) {
    return new ModelConfig(name, version, folder.resolve(path).normalize(), instances, predict);
  }
}
