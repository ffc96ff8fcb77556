package io.inferencegateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code gateway.json}. Defaults live here and in the shipped
 * {@code conf/gateway.json}, which spells every one of them out.
 */
public final class ConfigReader {

  /** Model names and versions become URL segments and event-bus addresses: keep them plain. */
  public static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  static final String DEFAULT_HOST = "0.0.0.0";
  static final int DEFAULT_PORT = 8080;
  static final int DEFAULT_HTTP_INSTANCES = Math.min(64, Runtime.getRuntime().availableProcessors());
  static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
  static final long DEFAULT_HEALTH_TIMEOUT_MS = 2000;
  static final long DEFAULT_STUCK_AFTER_MS = 30_000;
  static final long DEFAULT_INFER_TIMEOUT_MS = 10_000;
  static final int DEFAULT_MAX_QUEUE = 64;
  static final String DEFAULT_VERSION = "1";

  private static final Set<String> ROOT_KEYS = Set.of("http", "health", "inference", "models");
  private static final Set<String> HTTP_KEYS = Set.of("host", "port", "instances", "maxBodyBytes");
  private static final Set<String> HEALTH_KEYS = Set.of("timeoutMs", "stuckAfterMs");
  private static final Set<String> INFERENCE_KEYS = Set.of("timeoutMs", "maxQueue");
  private static final Set<String> MODEL_KEYS =
      Set.of("name", "version", "path", "instances", "predict");
  private static final Set<String> PREDICT_KEYS = Set.of("kind", "features", "labels", "targets");

  private ConfigReader() {
  }

  /** Reads the file; model paths in it are resolved against the file's folder. */
  public static GatewayConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(file + " is not a JSON object: " + firstLine(e.getMessage()));
    }
    Path base = file.toAbsolutePath().getParent();
    try {
      return parse(json, base);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  /** Validates a configuration already in memory. */
  public static GatewayConfig parse(JsonObject json, Path baseDir) {
    ConfigSection root = ConfigSection.root(json, ROOT_KEYS);
    ConfigSection http = root.section("http", HTTP_KEYS);
    ConfigSection health = root.section("health", HEALTH_KEYS);
    ConfigSection inference = root.section("inference", INFERENCE_KEYS);
    return new GatewayConfig(
        new HttpConfig(
            http.string("host", DEFAULT_HOST),
            (int) http.integer("port", DEFAULT_PORT, 0, 65535),
            (int) http.integer("instances", DEFAULT_HTTP_INSTANCES, 1, 64),
            http.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE)),
        new HealthConfig(
            health.integer("timeoutMs", DEFAULT_HEALTH_TIMEOUT_MS, 1, 600_000),
            health.integer("stuckAfterMs", DEFAULT_STUCK_AFTER_MS, 1, 86_400_000)),
        new InferenceConfig(
            inference.integer("timeoutMs", DEFAULT_INFER_TIMEOUT_MS, 1, 3_600_000),
            (int) inference.integer("maxQueue", DEFAULT_MAX_QUEUE, 1, 1_000_000)),
        models(root.sections("models", MODEL_KEYS), baseDir));
  }

  private static List<ModelConfig> models(List<ConfigSection> sections, Path baseDir) {
    Set<String> names = new HashSet<>();
    List<ModelConfig> models = sections.stream().map(section -> model(section, baseDir)).toList();
    for (ModelConfig model : models) {
      if (!names.add(model.name())) {
        throw new ConfigException("duplicate model name \"" + model.name() + "\" in models");
      }
    }
    return models;
  }

  private static ModelConfig model(ConfigSection section, Path baseDir) {
    String name = safe(section, "name", section.requiredString("name"));
    String version = safe(section, "version", section.stringOrInteger("version", DEFAULT_VERSION));
    String file = section.requiredString("path");
    Path path;
    try {
      path = baseDir.resolve(file).normalize();
    } catch (InvalidPathException e) {
      throw section.invalid("path", "is not a valid file path", file);
    }
    int instances = (int) section.integer("instances", 1, 1, 64);
    Optional<PredictMapping> predict = section.has("predict")
        ? Optional.of(predict(section.section("predict", PREDICT_KEYS)))
        : Optional.empty();
    return new ModelConfig(name, version, path, instances, predict);
  }

  private static PredictMapping predict(ConfigSection section) {
    String kindName = section.requiredString("kind");
    OutputKind kind;
    try {
      kind = OutputKind.valueOf(kindName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw section.invalid("kind", "must be \"classification\" or \"regression\"", kindName);
    }
    String outputsKey = kind == OutputKind.CLASSIFICATION ? "labels" : "targets";
    String wrongKey = kind == OutputKind.CLASSIFICATION ? "targets" : "labels";
    if (section.has(wrongKey)) {
      throw new ConfigException(section.path() + "." + wrongKey + " does not apply to a "
          + kindName + " model; use " + outputsKey);
    }
    return new PredictMapping(kind, section.stringList("features"), section.stringList(outputsKey));
  }

  private static String safe(ConfigSection section, String key, String value) {
    if (!SAFE_NAME.matcher(value).matches() || value.chars().allMatch(c -> c == '.')) {
      throw section.invalid(key, "may hold only letters, digits, '_', '.' and '-'", value);
    }
    return value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
