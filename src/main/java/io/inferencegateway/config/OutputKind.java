package io.inferencegateway.config;

/** What a Tribuo-exported model predicts, which decides how the named-feature route maps its output. */
public enum OutputKind {
  CLASSIFICATION,
  REGRESSION
}
