package io.inferencegateway.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the gateway's configuration: vertx-config reads the JSON file and the environment,
 * {@code GATEWAY_*} variables are overlaid on the file's keys ({@link EnvOverrides}), and the
 * result is bound to the records and checked ({@link ConfigBinder}). Relative model paths are
 * resolved against the file's folder.
 */
public final class ConfigReader {

  private ConfigReader() {
  }

  /** The file with the environment overlaid; fails with a one-line {@link ConfigException}. */
  public static Future<GatewayConfig> read(Vertx vertx, Path file) {
    Future<JsonObject> json = retrieve(vertx, new ConfigStoreOptions()
        .setType("file").setFormat("json")
        .setConfig(new JsonObject().put("path", file.toString())))
        .recover(failure -> Future.failedFuture(unreadable(file, failure)));
    Future<JsonObject> env = retrieve(vertx, new ConfigStoreOptions()
        .setType("env")
        .setConfig(new JsonObject().put("raw-data", true)));
    return Future.all(json, env).map(both -> {
      try {
        return parse(json.result(), env.result(), file.toAbsolutePath().getParent());
      } catch (ConfigException e) {
        throw new ConfigException(file + ": " + e.getMessage());
      }
    });
  }

  /**
   * Binds configuration JSON already in memory, with the {@code GATEWAY_*} variables of
   * {@code env} overlaid; relative model paths are resolved against {@code folder}.
   */
  public static GatewayConfig parse(JsonObject json, JsonObject env, Path folder) {
    JsonObject merged = json.copy();
    Map<String, String> origins = EnvOverrides.apply(merged, env);
    return ConfigBinder.bind(merged, origins).resolvedAgainst(folder);
  }

  /** Binds configuration JSON without environment overrides. */
  public static GatewayConfig parse(JsonObject json, Path folder) {
    return parse(json, new JsonObject(), folder);
  }
  /**
   * One model entry, checked as in a whole configuration, relative paths resolved against
   * {@code folder}.
   */
  public static ModelConfig parseModel(JsonObject entry, Path folder) {
    return parse(new JsonObject().put("models", new JsonArray().add(entry)), folder).models()
        .get(0);
  }

  /** A model's configuration as an entry that {@link #parseModel} reads back to the same. */
  public static JsonObject json(ModelConfig model) {
    return ConfigBinder.json(model);
  }


  /** One store's content; the retriever reads once and is closed, so nothing rescans it later. */
  private static Future<JsonObject> retrieve(Vertx vertx, ConfigStoreOptions store) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .setScanPeriod(0)
        .addStore(store));
    return retriever.getConfig().andThen(done -> retriever.close());
  }

  private static ConfigException unreadable(Path file, Throwable failure) {
    boolean notJson = failure instanceof DecodeException || failure instanceof ClassCastException;
    String cause = firstLine(failure.getMessage());
    return new ConfigException(notJson ? file + " is not a JSON object: " + cause
        : "cannot read configuration file " + file + ": " + cause);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
