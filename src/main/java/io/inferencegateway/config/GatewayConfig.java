package io.inferencegateway.config;

import java.util.List;

/** The whole gateway configuration, validated once by {@link ConfigReader}. */
public record GatewayConfig(
    HttpConfig http, HealthConfig health, InferenceConfig inference, List<ModelConfig> models) {

  public GatewayConfig {
    models = List.copyOf(models);
  }

  public GatewayConfig withHttpPort(int port) {
    return new GatewayConfig(http.withPort(port), health, inference, models);
  }
}
