package io.inferencegateway.config;

import java.util.Locale;

/** What a Tribuo-exported model predicts, which decides how the named-feature route maps its output. */
public enum OutputKind {
  CLASSIFICATION,
  REGRESSION;

  /** The name as the configuration writes it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
