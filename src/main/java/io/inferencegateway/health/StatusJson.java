package io.inferencegateway.health;

import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.ModelState;
import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.TensorSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * A model's status as the data of its health procedure: state, version, and the cause or, once
 * loaded, the load facts and signature. The only place that writes or reads these keys.
 */
final class StatusJson {

  private static final String STATE = "state";
  private static final String ERROR = "error";

  private StatusJson() {
  }

  /**
   * The data of a served model; {@code failedLoad}, when a newer load of it failed, is shown
   * without changing its state: the version that loaded serves on.
   */
  static JsonObject of(ModelStatus status, Optional<ModelRegistry.FailedLoad> failedLoad) {
    JsonObject json = of(status);
    failedLoad.ifPresent(failure -> json.put("failedLoad", new JsonObject()
        .put("version", failure.version()).put(ERROR, failure.reason())));
    return json;
  }

  static JsonObject of(ModelStatus status) {
    JsonObject json = new JsonObject().put(STATE, status.state().name());
    if (status.version() != null) {
      json.put("version", status.version());
    }
    status.error().ifPresent(error -> json.put(ERROR, error));
    status.loaded().ifPresent(loaded -> json
        .put("loadTimeMs", loaded.loadTimeMs())
        .put("loadedAt", loaded.loadedAt().toString())
        .put("inputs", TensorSpec.toJson(loaded.signature().inputs()))
        .put("outputs", TensorSpec.toJson(loaded.signature().outputs()))
        .put("running", loaded.running()));
    return json;
  }

  /** Each version's state, and its error when it has one. */
  static JsonArray versions(List<ModelStatus> statuses) {
    JsonArray versions = new JsonArray();
    for (ModelStatus status : statuses) {
      JsonObject version = new JsonObject().put("version", status.version())
          .put(STATE, status.state().name());
      status.error().ifPresent(error -> version.put(ERROR, error));
      versions.add(version);
    }
    return versions;
  }

  /** Each replica of each version: its node, version, state, and its error when it has one. */
  static JsonArray replicas(List<List<ModelProbe.ReplicaStatus>> versions) {
    JsonArray replicas = new JsonArray();
    for (List<ModelProbe.ReplicaStatus> version : versions) {
      for (ModelProbe.ReplicaStatus replica : version) {
        JsonObject json = new JsonObject().put("node", replica.replica().node())
            .put("version", replica.status().version())
            .put(STATE, replica.status().state().name());
        replica.status().error().ifPresent(error -> json.put(ERROR, error));
        replicas.add(json);
      }
    }
    return replicas;
  }

  /** The data of a procedure that failed to run: the model is taken as not answering. */
  static JsonObject unresponsive(String cause) {
    return new JsonObject()
        .put(STATE, ModelState.UNRESPONSIVE.name())
        .put(ERROR, "the health procedure failed: " + cause);
  }

  /** {@code FAILED: <cause>}, read back from a procedure's data. */
  static String describe(JsonObject data) {
    if (data == null) {
      return "DOWN";
    }
    return data.getString(STATE, "DOWN")
        + (data.containsKey(ERROR) ? ": " + data.getString(ERROR) : "");
  }
}
