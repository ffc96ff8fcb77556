package io.inferencegateway.config;

/** Where the HTTP verticle listens, how many instances serve it, and how much a request may carry. */
public record HttpConfig(String host, int port, int instances, long maxBodyBytes) {

  /** The same settings on another port, for the {@code GATEWAY_HTTP_PORT} override and tests. */
  public HttpConfig withPort(int newPort) {
    return new HttpConfig(host, newPort, instances, maxBodyBytes);
  }
}
