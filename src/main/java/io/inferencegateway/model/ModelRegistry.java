package io.inferencegateway.model;

import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models the gateway serves, by name: the deployment each name routes to. Shared by every
 * verticle; a name is switched to a new deployment in one step, so a request finds either the
 * old version or the new, never none.
 */
public final class ModelRegistry {

  /** Told when a name starts or stops being served; a switch of version is neither. */
  public interface Listener {
    void added(String name);

    void removed(String name);
  }

  /** Why the last load of a version failed, while another version serves the name. */
  public record FailedLoad(String version, String reason) {
  }

  private final ConcurrentMap<String, ServedModel> serving = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, FailedLoad> failedLoads = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong deployments = new AtomicLong();
  private final GatewayMetrics metrics;
  private final long stuckAfterMs;

  public ModelRegistry(GatewayMetrics metrics, long stuckAfterMs) {
    this.metrics = metrics;
    this.stuckAfterMs = stuckAfterMs;
  }

  /** A new deployment of the configured model, not yet served. */
  public ServedModel prepare(ModelConfig config) {
    String key = config.name() + "." + deployments.incrementAndGet();
    return new ServedModel(config, key, new ModelRuntime(config, stuckAfterMs,
        metrics.model(config.name(), config.version())));
  }

  /** Routes the model's name to {@code model}; the deployment it replaces, if any. */
  public Optional<ServedModel> serve(ServedModel model) {
    ServedModel old = serving.put(model.name(), model);
    model.runtime().publishState();
    if (old == null) {
      listeners.forEach(listener -> listener.added(model.name()));
    }
    return Optional.ofNullable(old);
  }

  /** Stops routing to {@code model}, unless its name has moved on to another deployment. */
  public boolean withdraw(ServedModel model) {
    boolean removed = serving.remove(model.name(), model);
    if (removed) {
      listeners.forEach(listener -> listener.removed(model.name()));
    }
    return removed;
  }

  /** Records, or with null clears, the failure of the name's last load. */
  public void failedLoad(String name, FailedLoad failure) {
    if (failure == null) {
      failedLoads.remove(name);
    } else {
      failedLoads.put(name, failure);
    }
  }

  public Optional<FailedLoad> failedLoad(String name) {
    return Optional.ofNullable(failedLoads.get(name));
  }

  public Optional<ServedModel> serving(String name) {
    return Optional.ofNullable(serving.get(name));
  }

  /** Every deployment served now, in no particular order. */
  public List<ServedModel> all() {
    return List.copyOf(serving.values());
  }

  /** The deployment a URL's model name and version refer to; {@code version} null for any. */
  public ServedModel resolve(String name, String version) {
    ServedModel model = serving.get(name);
    if (model == null) {
      throw RequestFailure.notFound("unknown model '" + name + "'");
    }
    if (version != null && !version.equals(model.version())) {
      throw RequestFailure.notFound("model '" + name + "' has no version '" + version
          + "'; available: " + model.version());
    }
    return model;
  }

  /** Listens from now on; the names already served are told at once. */
  public void listen(Listener listener) {
    listeners.add(listener);
    serving.keySet().forEach(listener::added);
  }
}
