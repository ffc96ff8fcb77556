package io.inferencegateway.model;

import java.time.Instant;
import java.util.Optional;

/**
 * A model's state as one probe found it: the state and version, why it is not serving when it is
 * not, and, once loaded, its signature, load time and the inferences running on it.
 */
public record ModelStatus(ModelState state, String version, Optional<String> error,
    Optional<Loaded> loaded) {

  /** What a loaded model reports beside its state. */
  public record Loaded(ModelSignature signature, long loadTimeMs, Instant loadedAt, int running) {
  }

  /** The status of a model that gave no answer: only the prober can tell. */
  public static ModelStatus unresponsive(String version, String error) {
    return new ModelStatus(ModelState.UNRESPONSIVE, version, Optional.of(error), Optional.empty());
  }

  /** Ready to serve inference: loaded, answering, not stuck. */
  public boolean isReady() {
    return state == ModelState.READY;
  }

  /** Alive: answering and not stuck. A model that failed to load is alive but not ready. */
  public boolean isLive() {
    return state != ModelState.UNRESPONSIVE && state != ModelState.STUCK;
  }

  /** The state and, when there is one, the error behind it: {@code FAILED: <cause>}. */
  public String describe() {
    return state + error.map(text -> ": " + text).orElse("");
  }
}
