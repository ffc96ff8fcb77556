package io.inferencegateway.repository;

import io.inferencegateway.cluster.ReplicaAnnouncer;
import io.inferencegateway.config.ConfigException;
import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.config.VersionPolicy;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, reloads and unloads models while the gateway serves. A load puts each new deployment
 * beside the one serving its version, switches the version to it once it is ready, lets the old
 * one answer what it was given, then stops it; a load that fails leaves what served serving. A
 * model given no file is served from the repository folder {@code models/<name>/<version>/},
 * at the versions its policy picks. An unload stops routing to every version of the model, waits
 * for their answers, then stops them: later requests get 404.
 */
public final class ModelRepository {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);
  private static final long DRAIN_POLL_MS = 10;
  /** Beyond a worker's announcement period, for the announcement to reach the gateway nodes. */
  private static final long CLUSTER_NOTICE_MARGIN_MS = 500;
  private static final String MODEL_FILE = "model.onnx";
  /** A named-feature mapping kept beside a model file, for a model whose entry has none. */
  private static final String MAPPING_FILE = "predict.json";

  private final Vertx vertx;
  private final ModelRegistry registry;
  private final ModelDeployer deployer;
  private final QueueSlots slots;
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
    this.slots = slots;
    this.deployer = new ModelDeployer(vertx, control, slots);
    this.folder = folder;
    this.drainTimeoutMs = drainTimeoutMs;
  }

  /**
   * Serves a configured model at start: routed to at once, so probes see it LOADING, and
   * completed when every version has loaded or failed to.
   */
  public Future<Void> start(ModelConfig config) {
    known.put(config.name(), config);
    return versionEntries(config).compose(versions -> {
      if (versions.isEmpty()) {
        String reason = "no version folder with a " + MODEL_FILE + " in "
            + modelFolder(config.name());
        LOG.error("Model {} is not served: {}", config.name(), reason);
        registry.failedLoad(config.name(), new ModelRegistry.FailedLoad("", reason));
        return Future.succeededFuture();
      }
      return Future.join(versions.stream().map(this::startVersion).toList()).mapEmpty();
    });
  }

  private Future<Void> startVersion(ModelConfig entry) {
    return withMapping(entry).compose(version -> {
      ServedModel model = registry.prepare(version);
      registry.serve(model);
      return deployer.deploy(model)
          .onSuccess(deployment -> deployments.put(model.key(), deployment))
          .mapEmpty();
    }, failure -> {
      LOG.error("Model {} version {} is not served: {}", entry.name(), entry.version(),
          failure.getMessage());
      registry.failedLoad(entry.name(), new ModelRegistry.FailedLoad(entry.version(),
          failure.getMessage()));
      return Future.succeededFuture();
    });
  }

  /**
   * Loads {@code name}: its known configuration with {@code override}'s keys laid over it, or,
   * for a model not known yet, its repository folder. With a file, that file is the one version
   * served; from the folder, the versions the policy picks are. Fails with a
   * {@link RequestFailure} saying why; what served the name serves on.
   */
  public Future<Void> load(String name, JsonObject override) {
    ModelConfig config;
    try {
      config = configFor(name, override);
    } catch (RequestFailure e) {
      return Future.failedFuture(e);
    }
    return exclusively(name, () -> versionEntries(config)
        .compose(versions -> config.fromFolder() ? sync(name, config, versions)
            : deploy(config).compose(model -> retireAll(registry.versions(name).stream()
                .filter(other -> other != model).toList())))
        .onSuccess(done -> known.put(name, config)));
  }

  /**
   * Serves exactly {@code wanted} for a folder model: deploys the versions not served yet, then
   * retires the ones no longer wanted. Fails when a wanted version does not load.
   */
  private Future<Void> sync(String name, ModelConfig template, List<ModelConfig> wanted) {
    if (wanted.isEmpty()) {
      return Future.failedFuture(RequestFailure.badRequest("model '" + name + "' has no "
          + "version folder with a " + MODEL_FILE + " in " + modelFolder(name)
          + " that its version policy picks"));
    }
    Set<String> versions = new HashSet<>();
    wanted.forEach(version -> versions.add(version.version()));
    List<String> failures = new ArrayList<>();
    Future<Void> deployed = Future.succeededFuture();
    for (ModelConfig version : wanted) {
      boolean served = registry.versions(name).stream()
          .anyMatch(model -> model.version().equals(version.version()));
      if (!served) {
        deployed = deployed.compose(done -> deploy(version)
            .transform(result -> {
              if (result.failed()) {
                failures.add(result.cause().getMessage());
              }
              return Future.<Void>succeededFuture();
            }));
      }
    }
    return deployed
        .compose(done -> retireAll(registry.versions(name).stream()
            .filter(model -> !versions.contains(model.version())).toList()))
        .compose(done -> failures.isEmpty() ? Future.<Void>succeededFuture()
            : Future.failedFuture(RequestFailure.badRequest(String.join("; ", failures))));
  }

  /**
   * Deploys one version beside what serves; once it is ready it takes the version over and the
   * deployment it replaces is retired. A version that does not load is recorded and stopped.
   */
  private Future<ServedModel> deploy(ModelConfig entry) {
    String name = entry.name();
    return withMapping(entry).compose(config -> deploy(name, config), failure -> {
      registry.failedLoad(name, new ModelRegistry.FailedLoad(entry.version(),
          failure.getMessage()));
      return Future.failedFuture(failure);
    });
  }

  private Future<ServedModel> deploy(String name, ModelConfig config) {
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
      registry.failedLoad(name, null);
      Optional<ServedModel> old = registry.serve(model);
      LOG.info("Model {} version {} serves, {} ms after the load began", name, config.version(),
          (System.nanoTime() - start) / 1_000_000);
      return old.map(this::retire).orElse(Future.succeededFuture()).map(model);
    });
  }

  /**
   * Scans the repository folder every {@code seconds}: each model folder is served at the
   * versions its policy picks among its complete version folders (its latest when the model is
   * not configured from the folder), and a served model whose folder has gone is unloaded. A
   * version folder counts once it holds a {@code model.onnx}; a version that failed to load is
   * not retried until the folder changes otherwise.
   */
  public void poll(long seconds) {
    vertx.setPeriodic(seconds * 1000, tick -> vertx.executeBlocking(this::scan, false)
        .onSuccess(this::apply)
        .onFailure(failure -> LOG.warn("Scanning {} failed: {}", folder.resolve("models"),
            failure.getMessage())));
  }

  /** Every model folder's complete versions, by name. */
  private Map<String, List<String>> scan() throws IOException {
    Map<String, List<String>> found = new TreeMap<>();
    Path models = folder.resolve("models");
    if (!Files.isDirectory(models)) {
      return found;
    }
    try (Stream<Path> names = Files.list(models)) {
      names.filter(Files::isDirectory).forEach(path -> {
        List<String> versions = versionFolders(path);
        if (!versions.isEmpty()) {
          found.put(path.getFileName().toString(), versions);
        }
      });
    }
    return found;
  }

  private void apply(Map<String, List<String>> found) {
    found.forEach((name, present) -> {
      ModelConfig template;
      try {
        template = folderTemplate(name);
      } catch (RequestFailure e) {
        return;
      }
      List<String> wanted = new ArrayList<>(template.versionPolicy().choose(present));
      registry.failedLoad(name).ifPresent(failure -> wanted.remove(failure.version()));
      Set<String> served = new HashSet<>();
      registry.versions(name).forEach(model -> served.add(model.version()));
      if (wanted.isEmpty() || served.equals(new HashSet<>(wanted)) || busy.contains(name)) {
        return;
      }
      LOG.info("Repository folder: serving model {} at versions {}", name, wanted);
      exclusively(name, () -> sync(name, template, wanted.stream()
          .map(version -> template.at(version, versionFile(name, version))).toList())
          .onSuccess(done -> known.put(name, template)))
          .onFailure(failure -> LOG.warn("Repository folder: {}", failure.getMessage()));
    });
    registry.all().stream()
        .filter(model -> !found.containsKey(model.name()) && fromFolder(model))
        .map(ServedModel::name).distinct()
        .forEach(name -> {
          LOG.info("Repository folder: model {} is gone; unloading it", name);
          unload(name).onFailure(failure -> LOG.warn("Repository folder: {}",
              failure.getMessage()));
        });
  }

  /**
   * What the folder serves of {@code name}: its known configuration without a file of its own,
   * so that its policy (its latest version when it had a file) picks among the folders.
   */
  private ModelConfig folderTemplate(String name) {
    JsonObject entry = Optional.ofNullable(known.get(name)).map(ConfigReader::json)
        .orElseGet(JsonObject::new);
    entry.remove("path");
    entry.remove("version");
    entry.put("name", name);
    return parse(name, entry);
  }

  /** Whether the model's file lies in the repository folder, which then decides its fate. */
  private boolean fromFolder(ServedModel model) {
    return model.config().path().startsWith(folder.resolve("models").toAbsolutePath()
        .normalize());
  }

  /** Stops serving every version of {@code name} once they have answered what they were given. */
  public Future<Void> unload(String name) {
    if (registry.versions(name).isEmpty()) {
      return Future.failedFuture(RequestFailure.notFound("unknown model '" + name + "'"));
    }
    return exclusively(name, () -> {
      List<ServedModel> versions = registry.versions(name);
      if (versions.isEmpty()) {
        return Future.failedFuture(RequestFailure.notFound("unknown model '" + name + "'"));
      }
      registry.failedLoad(name, null);
      LOG.info("Model {} is unloading", name);
      return retireAll(versions);
    });
  }

  /**
   * Every model known, one entry per version: {@code name}, {@code version}, {@code state}
   * ({@code READY}, {@code LOADING} or {@code UNAVAILABLE}) and {@code reason}; only ready ones
   * when {@code readyOnly}.
   */
  public JsonArray index(boolean readyOnly) {
    JsonArray index = new JsonArray();
    new TreeMap<>(known).forEach((name, config) -> {
      List<JsonObject> entries = new ArrayList<>();
      registry.versions(name).forEach(model -> entries.add(entry(model)));
      if (entries.isEmpty()) {
        entries.add(entry(name, config.version(), "UNAVAILABLE", "unloaded"));
      }
      registry.failedLoad(name).ifPresent(failure ->
          entries.add(entry(name, failure.version(), "UNAVAILABLE", failure.reason())));
      entries.stream()
          .filter(entry -> !readyOnly || "READY".equals(entry.getString("state")))
          .forEach(index::add);
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

  private Future<Void> retireAll(List<ServedModel> models) {
    return Future.join(models.stream().map(model -> {
      registry.withdraw(model);
      return retire(model);
    }).toList()).mapEmpty();
  }

  /**
   * Waits for the answers a deployment owes, then stops it. In a cluster it owes them to the
   * gateway nodes too: they hear of the withdrawal at the worker's next announcement, and what
   * they sent before is in the deployment's queue.
   */
  private Future<Void> retire(ServedModel model) {
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + drainTimeoutMs * 1_000_000;
    // Not at once: a request may have found this deployment just before the switch and not yet
    // be counted as admitted; a poll interval later it is.
    long notice = model.inCluster() ? ReplicaAnnouncer.PERIOD_MS + CLUSTER_NOTICE_MARGIN_MS
        : DRAIN_POLL_MS;
    vertx.setTimer(notice, first -> awaitDrained(model, deadline, drained));
    return drained.future()
        .compose(done -> Optional.ofNullable(deployments.remove(model.key()))
            .map(deployer::undeploy).orElse(Future.succeededFuture()))
        .onSuccess(done -> {
          LOG.info("Model {} version {} has stopped", model.name(), model.version());
          if (registry.versions(model.name()).stream()
              .noneMatch(next -> next.version().equals(model.version()))) {
            model.runtime().unpublishState();
          }
        });
  }

  private void awaitDrained(ServedModel model, long deadline, Promise<Void> drained) {
    int owed = model.inFlight() + slots.held(model.key());
    if (owed == 0 || System.nanoTime() > deadline) {
      if (owed > 0) {
        LOG.warn("Stopping model {} version {} with {} requests unanswered after {} ms",
            model.name(), model.version(), owed, drainTimeoutMs);
      }
      drained.complete();
      return;
    }
    vertx.setTimer(DRAIN_POLL_MS, fired -> awaitDrained(model, deadline, drained));
  }

  /** Runs one operation on a name at a time; a second one meanwhile is refused. */
  private Future<Void> exclusively(String name, Supplier<Future<Void>> task) {
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

  /**
   * The configuration a load uses: the known one, or for a model not known yet its repository
   * folder, with the override's keys laid over it. A version given without a file names that
   * version's folder.
   */
  private ModelConfig configFor(String name, JsonObject override) {
    JsonObject entry = Optional.ofNullable(known.get(name)).map(ConfigReader::json)
        .orElseGet(JsonObject::new);
    if (override != null) {
      entry.mergeIn(override, true);
      if (override.containsKey("versionPolicy")) {
        // A policy is one choice: the override's replaces the old, never adds to it, and
        // serves from the folder unless the override names a file too.
        entry.put("versionPolicy", override.getValue("versionPolicy"));
        if (!override.containsKey("path")) {
          entry.remove("path");
          entry.remove("version");
        }
      }
    }
    entry.put("name", name);
    if (override != null && override.containsKey("version") && !override.containsKey("path")) {
      entry.put("path", versionFile(name, entry.getValue("version").toString()).toString());
    }
    // A file of its own replaces a policy the model had, unless the override sets one.
    if (entry.containsKey("path")
        && (override == null || !override.containsKey("versionPolicy"))) {
      entry.remove("versionPolicy");
    }
    return parse(name, entry);
  }

  /**
   * A model's version entries: its own file, or the version folders its policy picks. The folder
   * is read off the event loop.
   */
  private Future<List<ModelConfig>> versionEntries(ModelConfig config) {
    return config.fromFolder() ? vertx.executeBlocking(() -> versionsOf(config), false)
        : Future.succeededFuture(List.of(config));
  }

  /** {@link #withMappingBeside}, read off the event loop. */
  private Future<ModelConfig> withMapping(ModelConfig entry) {
    return vertx.executeBlocking(() -> withMappingBeside(entry), false);
  }

  /**
   * The entry with the {@code predict.json} beside its file as its named-feature mapping, when
   * the entry gives none and the file is there.
   */
  private ModelConfig withMappingBeside(ModelConfig config) {
    if (config.predict() != null) {
      return config;
    }
    Path mapping = config.path().resolveSibling(MAPPING_FILE);
    if (!Files.isRegularFile(mapping)) {
      return config;
    }
    try {
      return parse(config.name(), ConfigReader.json(config)
          .put("predict", new JsonObject(Files.readString(mapping))));
    } catch (IOException | DecodeException e) {
      throw RequestFailure.badRequest("model '" + config.name() + "': " + mapping
          + " is not a JSON object: " + e.getMessage());
    }
  }

  private ModelConfig parse(String name, JsonObject entry) {
    try {
      return ConfigReader.parseModel(entry, folder);
    } catch (ConfigException | DecodeException e) {
      throw RequestFailure.badRequest("model '" + name + "': " + e.getMessage());
    }
  }

  /** The versions of a folder model its policy picks, each as the entry for its file. */
  private List<ModelConfig> versionsOf(ModelConfig template) {
    return template.versionPolicy().choose(versionFolders(modelFolder(template.name())))
        .stream().map(version -> template.at(version, versionFile(template.name(), version)))
        .toList();
  }

  private Path modelFolder(String name) {
    return folder.resolve("models").resolve(name).toAbsolutePath().normalize();
  }

  private Path versionFile(String name, String version) {
    return modelFolder(name).resolve(version).resolve(MODEL_FILE);
  }

  /** The numbered version folders holding a model file, in {@link VersionPolicy#ORDER}. */
  private static List<String> versionFolders(Path versions) {
    if (!Files.isDirectory(versions)) {
      return List.of();
    }
    try (Stream<Path> folders = Files.list(versions)) {
      return folders
          .filter(path -> path.getFileName().toString().matches("\\d{1,18}"))
          .filter(path -> Files.isRegularFile(path.resolve(MODEL_FILE)))
          .map(path -> path.getFileName().toString())
          .sorted(VersionPolicy.ORDER)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
