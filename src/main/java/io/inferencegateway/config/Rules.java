package io.inferencegateway.config;

import io.vertx.core.json.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks the configuration records apply to their own values as they are built: an absent
 * value takes its default here, a present one must fit. Keys are named relative to the record.
 */
final class Rules {

  /** Model names and versions become URL segments and event-bus addresses: keep them plain. */
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private Rules() {
  }

  static int between(String key, Integer value, int defaultValue, int min, int max) {
    return (int) between(key, value == null ? null : value.longValue(), defaultValue, min, max);
  }

  static long between(String key, Long value, long defaultValue, long min, long max) {
    if (value == null) {
      return defaultValue;
    }
    if (value < min || value > max) {
      throw invalid(key, "must be an integer from " + min + " to " + max, value);
    }
    return value;
  }

  static String text(String key, String value, String defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (value.isBlank()) {
      throw invalid(key, "must be a non-empty string", value);
    }
    return value;
  }

  static <T> T required(String key, T value) {
    if (value == null) {
      throw new ConfigException(key, "required but missing");
    }
    return value;
  }

  /** A name that is safe in a URL segment and an event-bus address. */
  static String safeName(String key, String value) {
    text(key, value, null);
    if (!SAFE_NAME.matcher(value).matches() || value.chars().allMatch(c -> c == '.')) {
      throw invalid(key, "may hold only letters, digits, '_', '.' and '-'", value);
    }
    return value;
  }

  /** A required, non-empty list of distinct non-empty strings. */
  static List<String> names(String key, List<String> values) {
    nonEmpty(key, values);
    Set<String> seen = new HashSet<>();
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw invalid(key, "must hold only non-empty strings", value);
      }
      if (!seen.add(value)) {
        throw new ConfigException(key, "names " + describe(value) + " twice");
      }
    }
    return List.copyOf(values);
  }

  static <T> List<T> nonEmpty(String key, List<T> values) {
    required(key, values);
    if (values.isEmpty()) {
      throw new ConfigException(key, "must be a non-empty array");
    }
    return values;
  }

  static ConfigException invalid(String key, String rule, Object value) {
    return new ConfigException(key, rule + ", got " + describe(value));
  }

  /** JSON-encoded, so that text from the file cannot break the one-line message. */
  static String describe(Object value) {
    return Json.encode(value);
  }
}
