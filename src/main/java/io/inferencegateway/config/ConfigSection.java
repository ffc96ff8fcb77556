package io.inferencegateway.config;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One JSON object of the configuration, read with its path ({@code models[1].predict}) so that
 * every error names the exact place. Unknown keys are rejected: a typo must not silently fall back
 * to a default.
 */
final class ConfigSection {

  private final JsonObject json;
  private final String path;

  private ConfigSection(JsonObject json, String path, Set<String> allowedKeys) {
    this.json = json;
    this.path = path;
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(allowedKeys);
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown key " + String.join(", ", unknown.stream()
          .map(ConfigSection::describe).toList()) + " in " + where()
          + " (allowed: " + String.join(", ", new TreeSet<>(allowedKeys)) + ")");
    }
  }

  static ConfigSection root(JsonObject json, Set<String> allowedKeys) {
    return new ConfigSection(json, "", allowedKeys);
  }

  /** A nested object; absent means empty, so every key of it takes its default. */
  ConfigSection section(String key, Set<String> allowedKeys) {
    Object value = json.getValue(key);
    if (value == null) {
      return new ConfigSection(new JsonObject(), child(key), allowedKeys);
    }
    if (!(value instanceof JsonObject object)) {
      throw invalid(key, "must be an object", value);
    }
    return new ConfigSection(object, child(key), allowedKeys);
  }

  /** The objects of a required, non-empty array. */
  List<ConfigSection> sections(String key, Set<String> allowedKeys) {
    JsonArray array = requiredArray(key);
    List<ConfigSection> sections = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String itemPath = child(key) + "[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject object)) {
        throw new ConfigException(itemPath + " must be an object");
      }
      sections.add(new ConfigSection(object, itemPath, allowedKeys));
    }
    return sections;
  }

  boolean has(String key) {
    return json.containsKey(key);
  }

  String requiredString(String key) {
    String value = string(key, null);
    if (value == null) {
      throw missing(key);
    }
    return value;
  }

  String string(String key, String defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw invalid(key, "must be a non-empty string", value);
    }
    return text;
  }

  /** A string that may also be written as an integer, as model versions often are. */
  String stringOrInteger(String key, String defaultValue) {
    Object value = json.getValue(key);
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    return string(key, defaultValue);
  }

  long integer(String key, long defaultValue, long min, long max) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
      throw invalid(key, "must be an integer from " + min + " to " + max, value);
    }
    return ((Number) value).longValue();
  }

  /** A required, non-empty array of distinct non-empty strings. */
  List<String> stringList(String key) {
    JsonArray array = requiredArray(key);
    List<String> values = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String text) || text.isBlank()) {
        throw invalid(key, "must hold only non-empty strings", item);
      }
      if (values.contains(text)) {
        throw new ConfigException(child(key) + " names \"" + text + "\" twice");
      }
      values.add(text);
    }
    return values;
  }

  ConfigException invalid(String key, String rule, Object value) {
    return new ConfigException(child(key) + " " + rule + ", got " + describe(value));
  }

  ConfigException missing(String key) {
    return new ConfigException("missing required key " + child(key));
  }

  String path() {
    return path;
  }

  private JsonArray requiredArray(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      throw missing(key);
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw invalid(key, "must be a non-empty array", value);
    }
    return array;
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private String where() {
    return path.isEmpty() ? "the top level" : path;
  }

  private static String describe(Object value) {
    // JSON-encoded, so that text from the file cannot break the one-line message.
    return Json.encode(value);
  }
}
