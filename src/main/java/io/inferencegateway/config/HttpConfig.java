package io.inferencegateway.config;

/**
 * Where the data port listens, how many HTTP verticle instances serve it, how much a request may
 * carry, how long a client may take to send it or leave its connection idle, and whether each
 * request is logged. An absent value takes its default.
 */
public record HttpConfig(String host, Integer port, Integer instances, Long maxBodyBytes,
    Long headerTimeoutMs, Long bodyTimeoutMs, Long idleTimeoutMs, Integer maxConnections,
    Boolean accessLog) {

  /** One event loop per core parses requests; more would only take turns. */
  static final int DEFAULT_INSTANCES = Math.min(64, Runtime.getRuntime().availableProcessors());

  public HttpConfig {
    host = Rules.text("host", host, "0.0.0.0");
    port = Rules.between("port", port, 8080, 0, 65535);
    instances = Rules.between("instances", instances, DEFAULT_INSTANCES, 1, 64);
    maxBodyBytes = Rules.between("maxBodyBytes", maxBodyBytes, 4L * 1024 * 1024, 1024,
        Integer.MAX_VALUE);
    headerTimeoutMs = Rules.between("headerTimeoutMs", headerTimeoutMs, 10_000, 1, 30_000);
    bodyTimeoutMs = Rules.between("bodyTimeoutMs", bodyTimeoutMs, 30_000, 1, 30_000);
    idleTimeoutMs = Rules.between("idleTimeoutMs", idleTimeoutMs, 30_000, 1, 3_600_000);
    maxConnections = Rules.between("maxConnections", maxConnections, 0, 0, 1_000_000);
    accessLog = accessLog != null && accessLog;
  }
}
