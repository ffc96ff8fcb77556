package io.inferencegateway.config;

/**
 * Where the management port listens (health and metrics, on an event loop that no inference
 * request is parsed on, so probes answer however loaded the data port is), and whether it serves
 * the model repository API.
 */
public record ManagementConfig(String host, Integer port, Boolean repositoryApi) {

  public ManagementConfig {
    host = Rules.text("host", host, "0.0.0.0");
    port = Rules.between("port", port, 8081, 0, 65535);
    repositoryApi = repositoryApi != null && repositoryApi;
  }
}
