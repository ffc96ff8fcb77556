package io.inferencegateway.config;

import java.util.List;

/**
 * What the named-feature route needs and the ONNX file does not carry: the feature names in the
 * order of the model's input columns, and the label (or regression target) names in the order of
 * its output columns.
 */
public record PredictMapping(OutputKind kind, List<String> features, List<String> outputs) {

  public PredictMapping {
    features = List.copyOf(features);
    outputs = List.copyOf(outputs);
  }
}
