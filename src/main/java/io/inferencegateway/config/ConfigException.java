package io.inferencegateway.config;

/** An invalid gateway configuration; its message is one line a person can act on. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
