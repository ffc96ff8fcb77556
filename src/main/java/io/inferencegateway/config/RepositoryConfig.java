package io.inferencegateway.config;

/**
 * The model repository folder ({@code models/<name>/<version>/model.onnx} beside the
 * configuration file): how often it is scanned for new and removed versions, 0 for never.
 */
public record RepositoryConfig(Long pollSeconds) {

  public RepositoryConfig {
    pollSeconds = Rules.between("pollSeconds", pollSeconds, 0, 0, 86_400);
  }
}
