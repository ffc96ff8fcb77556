package io.inferencegateway.model;

import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The models the gateway serves, by name: the deployments of each version served. Shared by every
 * verticle; a version is switched to a new deployment in one step, so a request finds either the
 * old deployment or the new, never none. A URL without a version gets the highest version that
 * is ready (the highest of all when none is).
 */
public final class ModelRegistry {

  /** Told when a name starts or stops being served; a change of versions is neither. */
  public interface Listener {
    void added(String name);

    void removed(String name);
  }

  /** Why the last load of a version failed, while another version serves the name. */
  public record FailedLoad(String version, String reason) {
  }

  private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");
  /** Highest version last: numbered versions in numeric order, after any other name. */
  private static final Comparator<ServedModel> ORDER = Comparator
      .comparing((ServedModel model) -> NUMBER.matcher(model.version()).matches())
      .thenComparingLong(model -> NUMBER.matcher(model.version()).matches()
          ? Long.parseLong(model.version()) : 0)
      .thenComparing(ServedModel::version);

  /** Each name's deployments, one per version, as an immutable list in {@link #ORDER}. */
  private final ConcurrentMap<String, List<ServedModel>> serving = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, FailedLoad> failedLoads = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong deployments = new AtomicLong();
  private final GatewayMetrics metrics;
  private final long stuckAfterMs;
  private final String node;

  /**
   * {@code node} names this process among the nodes of a cluster, and makes its deployment keys
   * unique there; null when standalone.
   */
  public ModelRegistry(GatewayMetrics metrics, long stuckAfterMs, String node) {
    this.metrics = metrics;
    this.stuckAfterMs = stuckAfterMs;
    this.node = node;
  }

  /** A new deployment of the configured model version, not yet served. */
  public ServedModel prepare(ModelConfig config) {
    String key = config.name() + "." + (node == null ? "" : node + ".")
        + deployments.incrementAndGet();
    return new ServedModel(config, key, new ModelRuntime(config, stuckAfterMs,
        metrics.model(config.name(), config.version())), node);
  }

  /**
   * Routes the model's name and version to {@code model}; the deployment of that version it
   * replaces, if any.
   */
  public Optional<ServedModel> serve(ServedModel model) {
    List<ServedModel> replaced = new ArrayList<>(1);
    List<ServedModel> now = serving.compute(model.name(), (name, versions) -> {
      List<ServedModel> next = new ArrayList<>();
      for (ServedModel served : versions == null ? List.<ServedModel>of() : versions) {
        if (served.version().equals(model.version())) {
          replaced.add(served);
        } else {
          next.add(served);
        }
      }
      next.add(model);
      next.sort(ORDER);
      return List.copyOf(next);
    });
    if (model.runtime() != null) {
      model.runtime().publishState();
    }
    if (now.size() == 1 && replaced.isEmpty()) {
      listeners.forEach(listener -> listener.added(model.name()));
    }
    return replaced.stream().findFirst();
  }

  /** Stops routing to {@code model}, unless its version has moved on to another deployment. */
  public boolean withdraw(ServedModel model) {
    boolean[] removed = new boolean[1];
    List<ServedModel> now = serving.computeIfPresent(model.name(), (name, versions) -> {
      List<ServedModel> next = new ArrayList<>(versions);
      removed[0] = next.remove(model);
      return next.isEmpty() ? null : List.copyOf(next);
    });
    if (removed[0] && now == null) {
      listeners.forEach(listener -> listener.removed(model.name()));
    }
    return removed[0];
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

  /** The deployment a URL without a version reaches: the highest ready version. */
  public Optional<ServedModel> serving(String name) {
    List<ServedModel> versions = serving.get(name);
    if (versions == null) {
      return Optional.empty();
    }
    // The common case, on every request: one version, no state to weigh.
    if (versions.size() == 1) {
      return Optional.of(versions.get(0));
    }
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).ready()) {
        return Optional.of(versions.get(i));
      }
    }
    return Optional.of(versions.get(versions.size() - 1));
  }

  /** Every version of the name served now, lowest first. */
  public List<ServedModel> versions(String name) {
    return serving.getOrDefault(name, List.of());
  }

  /** Every deployment served now, by name, lowest version first. */
  public List<ServedModel> all() {
    List<ServedModel> all = new ArrayList<>();
    new TreeMap<>(serving).values().forEach(all::addAll);
    return all;
  }

  /** The deployment a URL's model name and version refer to; {@code version} null for any. */
  public ServedModel resolve(String name, String version) {
    if (version == null) {
      return serving(name).orElseThrow(() ->
          RequestFailure.notFound("unknown model '" + name + "'"));
    }
    List<ServedModel> versions = versions(name);
    if (versions.isEmpty()) {
      throw RequestFailure.notFound("unknown model '" + name + "'");
    }
    return versions.stream().filter(model -> model.version().equals(version)).findFirst()
        .orElseThrow(() -> RequestFailure.notFound("model '" + name + "' has no version '"
            + version + "'; available: " + String.join(", ",
                versions.stream().map(ServedModel::version).toList())));
  }

  /** Listens from now on; the names already served are told at once. */
  public void listen(Listener listener) {
    listeners.add(listener);
    serving.keySet().forEach(listener::added);
  }
}
