package io.inferencegateway.config;

import java.util.List;

/**
 * What the named-feature route needs and the ONNX file does not carry: the feature names in the
 * order of the model's input columns, and the label (classification) or target (regression) names
 * in the order of its output columns.
 */
public record PredictMapping(OutputKind kind, List<String> features, List<String> labels,
    List<String> targets) {

  public PredictMapping {
    Rules.required("kind", kind);
    features = Rules.names("features", features);
    String used = kind == OutputKind.CLASSIFICATION ? "labels" : "targets";
    String unused = kind == OutputKind.CLASSIFICATION ? "targets" : "labels";
    if ((kind == OutputKind.CLASSIFICATION ? targets : labels) != null) {
      throw new ConfigException(unused, "does not apply to a " + kind.label() + " model; use "
          + used);
    }
    labels = labels == null ? null : Rules.names("labels", labels);
    targets = targets == null ? null : Rules.names("targets", targets);
    Rules.required(used, kind == OutputKind.CLASSIFICATION ? labels : targets);
  }

  /** The names of the output columns: labels or targets, whichever the kind uses. */
  public List<String> outputs() {
    return kind == OutputKind.CLASSIFICATION ? labels : targets;
  }
}
