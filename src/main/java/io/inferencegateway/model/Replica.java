package io.inferencegateway.model;

/**
 * One place a model version runs: the node that runs it (this process when standalone), the
 * deployment key its event-bus addresses are named by, and its state when last announced.
 */
public record Replica(String node, String key, ModelState state) {

  /**
   * The event-bus header that names a request sent to another node, so that a cancellation sent
   * to {@link #cancelAddress()} can find it.
   */
  public static final String CANCEL_ID = "cancel-id";

  public String inferAddress() {
    return inferAddress(key);
  }

  public String predictAddress() {
    return predictAddress(key);
  }

  public String statusAddress() {
    return statusAddress(key);
  }

  /** Where a gateway node cancels, by its {@link #CANCEL_ID}, a request it sent here. */
  public String cancelAddress() {
    return cancelAddress(key);
  }

  static String cancelAddress(String key) {
    return "models." + key + ".cancel";
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
