package io.inferencegateway.http;

import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.model.RequestFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured models by name: what a URL's model name and version may refer to. */
final class ModelCatalog {

  private final Map<String, ModelConfig> models = new LinkedHashMap<>();

  ModelCatalog(List<ModelConfig> configs) {
    configs.forEach(config -> models.put(config.name(), config));
  }

  List<ModelConfig> models() {
    return List.copyOf(models.values());
  }

  /** The model a URL names; {@code version} is null when the URL names none. */
  ModelConfig resolve(String name, String version) {
    ModelConfig model = models.get(name);
    if (model == null) {
      throw RequestFailure.notFound("unknown model '" + name + "'");
    }
    if (version != null && !version.equals(model.version())) {
      throw RequestFailure.notFound("model '" + name + "' has no version '" + version
          + "'; available: " + model.version());
    }
    return model;
  }
}
