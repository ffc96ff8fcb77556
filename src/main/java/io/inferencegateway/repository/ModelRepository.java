package io.inferencegateway.repository;

import io.inferencegateway.config.ConfigException;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.ModelState;
import io.inferencegateway.model.ModelStatus;
import io.inferencegateway.model.QueueSlots;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, reloads and unloads models while the gateway serves. A load puts the new deployment
 * beside the one serving, switches the name to it once it is ready, lets the old one answer what
 * it was given, then stops it; a load that fails leaves the old deployment serving. An unload
 * stops routing to the model, waits for its answers, then stops it: later requests get 404.
 */
public final class ModelRepository {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);
  private static final long DRAIN_POLL_MS = 10;
  private static final String MODEL_FILE = "model.onnx";

  private final Vertx vertx;
  private final ModelRegistry registry;
  private final ModelDeployer deployer;
  private final Path folder;
  private final long drainTimeoutMs;
  /** The last configuration of every model ever served, by name, for reloads and the index. */
  private final Map<String, ModelConfig> known = new ConcurrentHashMap<>();
  private final Map<String, ModelDeployer.Deployment> deployments = new ConcurrentHashMap<>();
  private final Set<String> busy = ConcurrentHashMap.newKeySet();

  /**
   * {@code folder} is the configuration's folder: relative paths and the repository layout
   * {@code models/<name>/<version>/model.onnx} are found from it. An unload waits at most
   * {@code drainTimeoutMs} for the answers it owes.
   */
  public ModelRepository(Vertx vertx, Vertx control, ModelRegistry registry, QueueSlots slots,
      Path folder, long drainTimeoutMs) {
    this.vertx = vertx;
    this.registry = registry;
    this.deployer = new ModelDeployer(vertx, control, slots);
    this.folder = folder;
    this.drainTimeoutMs = drainTimeoutMs;
  }

  /**
   * Serves a configured model at start: routed to at once, so probes see it LOADING, and
   * completed when it has loaded or failed to.
   */
  public Future<Void> start(ModelConfig config) {
    known.put(config.name(), config);
    ServedModel model = registry.prepare(config);
    registry.serve(model);
    return deployer.deploy(model)
        .onSuccess(deployment -> deployments.put(model.key(), deployment))
        .mapEmpty();
  }

  /**
   * Loads {@code name}: its known configuration with {@code override}'s keys laid over it, or,
   * for a model not known yet, the highest version folder of the repository layout. Fails with a
   * {@link RequestFailure} saying why; the deployment serving the name, if any, serves on.
   */
  public Future<Void> load(String name, JsonObject override) {
    ModelConfig config;
    try {
      config = configFor(name, override);
    } catch (RequestFailure e) {
      return Future.failedFuture(e);
    }
    return exclusively(name, () -> {
      ServedModel model = registry.prepare(config);
      long start = System.nanoTime();
      return deployer.deploy(model).compose(deployment -> {
        ModelStatus status = model.runtime().status();
        if (status.state() != ModelState.READY) {
          String reason = status.error().orElse(status.state().name());
          registry.failedLoad(name, new ModelRegistry.FailedLoad(config.version(), reason));
          LOG.warn("Model {} version {} failed to load; {}", name, config.version(),
              registry.serving(name).map(old -> "version " + old.version() + " serves on")
                  .orElse("the model is not served"));
          return deployer.undeploy(deployment).transform(done -> Future.failedFuture(
              RequestFailure.badRequest("model '" + name + "' version " + config.version()
                  + " failed to load: " + reason)));
        }
        deployments.put(model.key(), deployment);
        known.put(name, config);
        registry.failedLoad(name, null);
        Optional<ServedModel> old = registry.serve(model);
        LOG.info("Model {} version {} serves, {} ms after the load began", name,
            config.version(), (System.nanoTime() - start) / 1_000_000);
        return old.map(this::retire).orElse(Future.succeededFuture());
      });
    });
  }

  /**
   * Scans the repository folder every {@code seconds}: a model folder whose highest complete
   * version differs from the one served is loaded at that version, and a served model whose
   * folder has gone is unloaded. A version folder counts once it holds a {@code model.onnx};
   * a version that failed to load is not retried until another appears.
   */
  public void poll(long seconds) {
    vertx.setPeriodic(seconds * 1000, tick -> vertx.executeBlocking(this::scan, false)
        .onSuccess(this::apply)
        .onFailure(failure -> LOG.warn("Scanning {} failed: {}", folder.resolve("models"),
            failure.getMessage())));
  }

  /** Every model folder's highest complete version, by name. */
  private Map<String, String> scan() throws IOException {
    Map<String, String> found = new TreeMap<>();
    Path models = folder.resolve("models");
    if (!Files.isDirectory(models)) {
      return found;
    }
    try (Stream<Path> names = Files.list(models)) {
      names.filter(Files::isDirectory).forEach(path -> highestVersion(path)
          .ifPresent(version -> found.put(path.getFileName().toString(), version)));
    }
    return found;
  }

  private void apply(Map<String, String> found) {
    found.forEach((name, version) -> {
      boolean served = registry.serving(name).filter(model -> model.version().equals(version))
          .isPresent();
      boolean failedBefore = registry.failedLoad(name)
          .filter(failure -> failure.version().equals(version)).isPresent();
      if (!served && !failedBefore && !busy.contains(name)) {
        LOG.info("Repository folder: loading model {} version {}", name, version);
        load(name, new JsonObject().put("version", version).put("path",
            folder.resolve("models").resolve(name).resolve(version).resolve(MODEL_FILE)
                .toString()))
            .onFailure(failure -> LOG.warn("Repository folder: {}", failure.getMessage()));
      }
    });
    registry.all().stream()
        .filter(model -> !found.containsKey(model.name()) && fromFolder(model))
        .forEach(model -> {
          LOG.info("Repository folder: model {} is gone; unloading it", model.name());
          unload(model.name()).onFailure(failure -> LOG.warn("Repository folder: {}",
              failure.getMessage()));
        });
  }

  /** Whether the model's file lies in the repository folder, which then decides its fate. */
  private boolean fromFolder(ServedModel model) {
    return model.config().path().startsWith(folder.resolve("models").toAbsolutePath()
        .normalize());
  }

  /** Stops serving {@code name} once it has answered what it was given. */
  public Future<Void> unload(String name) {
    if (registry.serving(name).isEmpty()) {
      return Future.failedFuture(RequestFailure.notFound("unknown model '" + name + "'"));
    }
    return exclusively(name, () -> registry.serving(name)
        .map(model -> {
          registry.withdraw(model);
          registry.failedLoad(name, null);
          LOG.info("Model {} version {} is unloading", name, model.version());
          return retire(model);
        })
        .orElseGet(() -> Future.failedFuture(
            RequestFailure.notFound("unknown model '" + name + "'"))));
  }

  /**
   * Every model known, one entry per version: {@code name}, {@code version}, {@code state}
   * ({@code READY}, {@code LOADING} or {@code UNAVAILABLE}) and {@code reason}; only ready ones
   * when {@code readyOnly}.
   */
  public JsonArray index(boolean readyOnly) {
    JsonArray index = new JsonArray();
    new TreeMap<>(known).forEach((name, config) -> {
      Optional<ServedModel> serving = registry.serving(name);
      JsonObject entry = serving.map(ModelRepository::entry)
          .orElseGet(() -> entry(name, config.version(), "UNAVAILABLE", "unloaded"));
      if (!readyOnly || "READY".equals(entry.getString("state"))) {
        index.add(entry);
      }
      registry.failedLoad(name).filter(failure -> !readyOnly).ifPresent(failure ->
          index.add(entry(name, failure.version(), "UNAVAILABLE", failure.reason())));
    });
    return index;
  }

  private static JsonObject entry(ServedModel model) {
    ModelStatus status = model.runtime().status();
    String state = switch (status.state()) {
      case READY, STUCK -> "READY";
      case LOADING -> "LOADING";
      default -> "UNAVAILABLE";
    };
    return entry(model.name(), model.version(), state, status.error().orElse(""));
  }

  private static JsonObject entry(String name, String version, String state, String reason) {
    return new JsonObject().put("name", name).put("version", version).put("state", state)
        .put("reason", reason);
  }

  /** Waits for the answers a deployment owes, then stops it. */
  private Future<Void> retire(ServedModel model) {
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + drainTimeoutMs * 1_000_000;
    // Not at once: a request may have found this deployment just before the switch and not yet
    // be counted as admitted; a poll interval later it is.
    vertx.setTimer(DRAIN_POLL_MS, first -> awaitDrained(model, deadline, drained));
    return drained.future()
        .compose(done -> Optional.ofNullable(deployments.remove(model.key()))
            .map(deployer::undeploy).orElse(Future.succeededFuture()))
        .onSuccess(done -> {
          LOG.info("Model {} version {} has stopped", model.name(), model.version());
          if (registry.serving(model.name()).filter(next -> next.version()
              .equals(model.version())).isEmpty()) {
            model.runtime().unpublishState();
          }
        });
  }

  private void awaitDrained(ServedModel model, long deadline, Promise<Void> drained) {
    if (model.inFlight() == 0 || System.nanoTime() > deadline) {
      if (model.inFlight() > 0) {
        LOG.warn("Stopping model {} version {} with {} requests unanswered after {} ms",
            model.name(), model.version(), model.inFlight(), drainTimeoutMs);
      }
      drained.complete();
      return;
    }
    vertx.setTimer(DRAIN_POLL_MS, fired -> awaitDrained(model, deadline, drained));
  }

  /** Runs one operation on a name at a time; a second one meanwhile is refused. */
  private Future<Void> exclusively(String name, java.util.function.Supplier<Future<Void>> task) {
    if (!busy.add(name)) {
      return Future.failedFuture(RequestFailure.badRequest("model '" + name
          + "' is already being loaded or unloaded; retry when that is done"));
    }
    Future<Void> done;
    try {
      done = task.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.onComplete(finished -> busy.remove(name));
  }

  private ModelConfig configFor(String name, JsonObject override) {
    JsonObject entry = Optional.ofNullable(known.get(name)).map(ConfigReader::json)
        .orElseGet(JsonObject::new);
    if (override != null) {
      entry.mergeIn(override, true);
    }
    entry.put("name", name);
    if (!entry.containsKey("path")) {
      Path versions = folder.resolve("models").resolve(name);
      String version = highestVersion(versions).orElseThrow(() -> RequestFailure.badRequest(
          "model '" + name + "' is not configured, and " + versions + " holds no version "
              + "folder with a " + MODEL_FILE));
      entry.put("version", version).put("path", versions.resolve(version).resolve(MODEL_FILE)
          .toString());
    }
    try {
      return ConfigReader.parseModel(entry, folder);
    } catch (ConfigException | DecodeException e) {
      throw RequestFailure.badRequest("model '" + name + "': " + e.getMessage());
    }
  }

  /** The largest numbered version folder holding a model file. */
  private static Optional<String> highestVersion(Path versions) {
    if (!Files.isDirectory(versions)) {
      return Optional.empty();
    }
    try (Stream<Path> folders = Files.list(versions)) {
      return folders
          .filter(path -> path.getFileName().toString().matches("\\d{1,18}"))
          .filter(path -> Files.isRegularFile(path.resolve(MODEL_FILE)))
          .map(path -> path.getFileName().toString())
          .max(Comparator.comparingLong(Long::parseLong));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
