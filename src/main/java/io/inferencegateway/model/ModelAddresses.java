package io.inferencegateway.model;

/** Event-bus addresses of one model's verticles. */
public final class ModelAddresses {

  private ModelAddresses() {
  }

  /** Inference requests, consumed by the model's worker instances. */
  public static String infer(String model) {
    return "models." + model + ".infer";
  }

  /** Named-feature predictions, consumed by the model's worker instances. */
  public static String predict(String model) {
    return "models." + model + ".predict";
  }

  /** Status probes, answered on an event loop so they never wait behind inference work. */
  public static String status(String model) {
    return "models." + model + ".status";
  }
}
