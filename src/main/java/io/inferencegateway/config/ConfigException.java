package io.inferencegateway.config;

/**
 * An invalid gateway configuration; its message is one line a person can act on, naming the key
 * path it is about ({@code models[2].instances: must be an integer from 1 to 64, got 0}).
 */
public class ConfigException extends RuntimeException {

  private final String key;
  private final String problem;

  /** A problem with {@code key}, a path relative to the object being checked, or null for none. */
  ConfigException(String key, String problem) {
    super(key == null ? problem : key + ": " + problem, null, false, false);
    this.key = key;
    this.problem = problem;
  }

  public ConfigException(String message) {
    this(null, message);
  }

  /** The same problem seen from an enclosing object at {@code path} ("" for the top level). */
  ConfigException under(String path) {
    if (path.isEmpty()) {
      return this;
    }
    return new ConfigException(key == null ? path : path + "." + key, problem);
  }

  /** The same problem with a note on where the value came from. */
  ConfigException from(String source) {
    return new ConfigException(key, problem + " (" + source + ")");
  }

  String key() {
    return key;
  }
}
