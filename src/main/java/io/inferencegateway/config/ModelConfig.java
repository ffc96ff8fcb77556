package io.inferencegateway.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One served model: its name and version, the ONNX file (already resolved against the config
 * file's folder), how many worker verticle instances run it, and its optional named-feature mapping.
 */
public record ModelConfig(
    String name, String version, Path path, int instances, Optional<PredictMapping> predict) {
}
