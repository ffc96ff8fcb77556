package io.inferencegateway.health;

import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.ArrayList;
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

  /** The readiness procedure of a gateway node, which serves the models its workers announce. */
  static final String WORKERS = "cluster:workers";

  /**
   * The procedures of every model the registry serves, from now on: a model's procedures come and
   * go with its name, registered on the calling verticle's context, which owns them. Probes
   * travel on {@code bus}'s event bus. {@code announced}: the registry holds what workers
   * announce, and readiness wants at least one model there.
   */
  public static ModelHealthChecks create(Vertx vertx, Vertx bus, ModelRegistry registry,
      long timeoutMs, boolean announced) {
    ModelProbe probe = new ModelProbe(bus, timeoutMs);
    HealthChecks readiness = HealthChecks.create(vertx);
    if (announced) {
      readiness.register(WORKERS, promise -> promise.tryComplete(registry.all().isEmpty()
          ? Status.KO(new JsonObject().put("error", "no worker has announced a model yet"))
          : Status.OK()));
    }
    HealthChecks liveness = HealthChecks.create(vertx);
    Context context = vertx.getOrCreateContext();
    registry.listen(new ModelRegistry.Listener() {
      @Override
      public void added(String name) {
        context.runOnContext(now -> {
          readiness.register(name, timeoutMs,
              procedure(probe, registry, name, ModelStatus::isReady));
          liveness.register(name, timeoutMs,
              procedure(probe, registry, name, ModelStatus::isLive));
        });
      }

      @Override
      public void removed(String name) {
        context.runOnContext(now -> {
          readiness.unregister(name);
          liveness.unregister(name);
        });
      }
    });
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

  /**
   * Asks every replica of every version the name serves when the check runs: UP when each version
   * has a healthy replica. The data is the status of the version a URL without one reaches, with
   * each version's state beside it when there are several, and each replica's on a gateway node.
   */
  private static Handler<Promise<Status>> procedure(ModelProbe probe, ModelRegistry registry,
      String name, Predicate<ModelStatus> healthy) {
    return promise -> {
      List<ServedModel> versions = registry.versions(name);
      if (versions.isEmpty()) {
        // Unloaded between the check's start and this procedure: nothing left to be unhealthy.
        promise.tryComplete(Status.OK());
        return;
      }
      ServedModel reached = registry.serving(name).orElse(versions.get(versions.size() - 1));
      Future.all(versions.stream().map(probe::replicas).toList()).onSuccess(all -> {
        List<List<ModelProbe.ReplicaStatus>> replicas = all.list();
        List<ModelStatus> statuses = new ArrayList<>();
        boolean up = true;
        for (int i = 0; i < versions.size(); i++) {
          statuses.add(ModelProbe.best(versions.get(i), replicas.get(i)));
          up &= replicas.get(i).stream().map(ModelProbe.ReplicaStatus::status).anyMatch(healthy);
        }
        JsonObject data = StatusJson.of(statuses.get(versions.indexOf(reached)),
            registry.failedLoad(name));
        if (versions.size() > 1) {
          data.put("versions", StatusJson.versions(statuses));
        }
        if (reached.runtime() == null) {
          data.put("replicas", StatusJson.replicas(replicas));
        }
        promise.tryComplete(up ? Status.OK(data) : Status.KO(data));
      });
    };
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
