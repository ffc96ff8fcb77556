package io.inferencegateway.health;

import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.model.ModelStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The gateway's health procedures: one per model, named after it, each with the configured
 * timeout. Readiness wants every model ready; liveness only wants every model answering and none
 * stuck, since restarting the gateway would not mend a model file that fails to load.
 */
public final class ModelHealthChecks {

  private final ModelProbe probe;
  private final HealthChecks readiness;
  private final HealthChecks liveness;

  private ModelHealthChecks(ModelProbe probe, HealthChecks readiness, HealthChecks liveness) {
    this.probe = probe;
    this.readiness = readiness;
    this.liveness = liveness;
  }

  public static ModelHealthChecks create(Vertx vertx, List<ModelConfig> models, long timeoutMs) {
    ModelProbe probe = new ModelProbe(vertx, timeoutMs);
    HealthChecks readiness = HealthChecks.create(vertx);
    HealthChecks liveness = HealthChecks.create(vertx);
    for (ModelConfig model : models) {
      readiness.register(model.name(), timeoutMs, procedure(probe, model, ModelStatus::isReady));
      liveness.register(model.name(), timeoutMs, procedure(probe, model, ModelStatus::isLive));
    }
    return new ModelHealthChecks(probe, readiness, liveness);
  }

  /** The probe behind the procedures, for single-model status questions. */
  public ModelProbe probe() {
    return probe;
  }

  public HealthCheckHandler readinessHandler() {
    return handler(readiness);
  }

  public HealthCheckHandler livenessHandler() {
    return handler(liveness);
  }

  public Future<CheckResult> readiness() {
    return readiness.checkStatus().map(ModelHealthChecks::failuresAsDown);
  }

  /** The models a readiness result found not ready, each with its state and cause. */
  public static String notReady(CheckResult result) {
    if (result == null || result.getChecks() == null) {
      return "health could not be checked";
    }
    return result.getChecks().stream()
        .filter(check -> !CheckResult.isUp(check))
        .map(check -> check.getId() + " (" + StatusJson.describe(check.getData()) + ")")
        .collect(Collectors.joining(", "));
  }

  private static Handler<Promise<Status>> procedure(
      ModelProbe probe, ModelConfig model, Predicate<ModelStatus> healthy) {
    return promise -> probe.status(model).onSuccess(status -> {
      JsonObject data = StatusJson.of(status);
      promise.tryComplete(healthy.test(status) ? Status.OK(data) : Status.KO(data));
    });
  }

  private static HealthCheckHandler handler(HealthChecks checks) {
    return HealthCheckHandler.createWithHealthChecks(checks)
        .resultMapper(result -> Future.succeededFuture(failuresAsDown(result)));
  }

  /**
   * vertx-health-check answers 500 when a procedure itself times out. For the gateway that is a
   * model not answering its probe: DOWN, and 503 like any other DOWN model.
   */
  static CheckResult failuresAsDown(CheckResult result) {
    if (result.getChecks() != null) {
      result.getChecks().forEach(ModelHealthChecks::failuresAsDown);
    }
    boolean procedureFailed = result.getFailure() != null
        || (result.getStatus() != null && result.getStatus().isProcedureInError());
    if (procedureFailed) {
      JsonObject data = result.getData();
      String cause = data == null ? "unknown" : data.getString("cause", "unknown");
      result.setFailure(null).setStatus(Status.KO(StatusJson.unresponsive(cause)));
    }
    return result;
  }
}
