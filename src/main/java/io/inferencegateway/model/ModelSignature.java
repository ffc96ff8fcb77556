package io.inferencegateway.model;

import java.util.List;

/** The tensors a loaded model takes and gives, in the order its file declares them. */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {

  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
