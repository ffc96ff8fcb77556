package io.inferencegateway.model;

/**
 * One place a model version runs: the node that runs it (this process when standalone), the
 * deployment key its event-bus addresses are named by, and its state when last announced.
 */
public record Replica(String node, String key, ModelState state) {

  public String inferAddress() {
    return inferAddress(key);
  }

  public String predictAddress() {
    return predictAddress(key);
  }

  public String statusAddress() {
    return statusAddress(key);
  }

  static String inferAddress(String key) {
    return "models." + key + ".infer";
  }

  static String predictAddress(String key) {
    return "models." + key + ".predict";
  }

  /** Status probes, answered on an event loop so they never wait behind inference work. */
  static String statusAddress(String key) {
    return "models." + key + ".status";
  }
}
