package io.inferencegateway.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole gateway configuration, bound from JSON by {@link ConfigReader}. Every default lives in
 * the records' constructors; an absent section takes all of its defaults.
 */
public record GatewayConfig(HttpConfig http, ManagementConfig management, HealthConfig health,
    InferenceConfig inference, ShutdownConfig shutdown, RepositoryConfig repository,
    ClusterConfig cluster, List<ModelConfig> models) {

  public GatewayConfig {
    http = http == null ? new HttpConfig(null, null, null, null, null, null, null, null, null) : http;
    management = management == null ? new ManagementConfig(null, null, null) : management;
    health = health == null ? new HealthConfig(null, null) : health;
    inference = inference == null ? new InferenceConfig(null, null) : inference;
    shutdown = shutdown == null ? new ShutdownConfig(null, null) : shutdown;
    repository = repository == null ? new RepositoryConfig(null) : repository;
    cluster = cluster == null
        ? new ClusterConfig(null, null, null, null, null, null, null, null) : cluster;
    // A gateway node serves the models its workers announce; it loads none of its own.
    if (cluster.role() == ClusterRole.GATEWAY) {
      models = models == null ? List.of() : models;
    } else {
      Rules.nonEmpty("models", models);
    }
    if (cluster.role() == ClusterRole.GATEWAY && management.repositoryApi()) {
      throw new ConfigException("management.repositoryApi", "is served by the workers, which "
          + "load the models; a node whose cluster.role is gateway loads none");
    }
    models = List.copyOf(models.stream().map(model -> {
      if (model == null) {
        throw new ConfigException("models", "must hold only objects, got null");
      }
      return model;
    }).toList());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      if (!names.add(models.get(i).name())) {
        throw new ConfigException("models[" + i + "].name",
            "duplicate model name " + Rules.describe(models.get(i).name()));
      }
    }
  }

  /** The same configuration with relative model paths resolved against {@code folder}. */
  GatewayConfig resolvedAgainst(Path folder) {
    return new GatewayConfig(http, management, health, inference, shutdown, repository, cluster,
        models.stream().map(model -> model.resolvedAgainst(folder)).toList());
  }
}
