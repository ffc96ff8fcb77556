package io.inferencegateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overlays {@code GATEWAY_*} environment variables on the configuration's JSON, so that a
 * container can set any key. A variable names a key path: {@code GATEWAY_}, then the path's keys
 * in upper case joined by {@code _}, array indexes as numbers ({@code GATEWAY_MODELS_0_INSTANCES}
 * sets {@code models[0].instances}). Underscores between the words of one key are optional
 * ({@code GATEWAY_HTTP_MAX_BODY_BYTES} or {@code GATEWAY_HTTP_MAXBODYBYTES}). A key that holds an
 * object or an array takes JSON; whole values are applied before their parts.
 */
final class EnvOverrides {

  static final String PREFIX = "GATEWAY_";

  private static final Logger LOG = LoggerFactory.getLogger(EnvOverrides.class);
  /** The gateway's own variables that are not configuration keys. */
  private static final Set<String> NOT_KEYS =
      Set.of("GATEWAY_CONFIG", "GATEWAY_LOG_FORMAT", "GATEWAY_ADMIN_TOKEN");
  /** Short names for keys operators set often; the canonical variable wins when both are set. */
  private static final Map<String, String> ALIASES =
      Map.of("GATEWAY_DRAIN_DELAY_MS", "GATEWAY_SHUTDOWN_DRAIN_DELAY_MS");

  /** Where a variable points: the path's keys and indexes, and the type bound there. */
  private record Target(List<Object> path, Type type) {
  }

  private EnvOverrides() {
  }

  /**
   * Applies the variables in {@code env} to {@code json}; answers which variable set which key
   * path, for error messages. Variables that name no key are logged and ignored: platforms set
   * some of their own (Kubernetes' service links for a service called "gateway").
   */
  static Map<String, String> apply(JsonObject json, JsonObject env) {
    Map<String, String> origins = new HashMap<>();
    JsonObject variables = env.copy();
    ALIASES.forEach((alias, canonical) -> {
      if (env.containsKey(alias) && !env.containsKey(canonical)) {
        variables.put(canonical, env.getValue(alias));
      }
    });
    variables.fieldNames().stream()
        .filter(name -> name.startsWith(PREFIX) && !NOT_KEYS.contains(name)
            && !ALIASES.containsKey(name))
        .filter(name -> variables.getValue(name) instanceof String value && !value.isBlank())
        .sorted(Comparator.comparingInt((String name) -> name.split("_").length)
            .thenComparing(Comparator.naturalOrder()))
        .forEach(name -> {
          List<String> tokens = Arrays.asList(
              name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("_"));
          Optional<Target> target = resolve(tokens, 0, GatewayConfig.class);
          if (target.isEmpty()) {
            LOG.warn("Ignoring environment variable {}: it names no configuration key", name);
            return;
          }
          set(json, target.get(), variables.getString(name), name);
          origins.put(ConfigSchema.path(target.get().path()), name);
        });
    return origins;
  }

  /** Matches tokens from {@code at} against the keys of {@code type}; one key may take several. */
  private static Optional<Target> resolve(List<String> tokens, int at, Type type) {
    if (at == tokens.size()) {
      return Optional.of(new Target(new ArrayList<>(), type));
    }
    if (ConfigSchema.isArray(type)) {
      if (!tokens.get(at).matches("\\d{1,4}")) {
        return Optional.empty();
      }
      return resolve(tokens, at + 1, ConfigSchema.element(type))
          .map(target -> prepend(Integer.parseInt(tokens.get(at)), target));
    }
    if (!ConfigSchema.isObject(type)) {
      return Optional.empty();
    }
    StringBuilder joined = new StringBuilder();
    for (int end = at; end < tokens.size(); end++) {
      joined.append(tokens.get(end));
      for (String key : ConfigSchema.memberNames(type)) {
        if (key.toLowerCase(Locale.ROOT).contentEquals(joined)) {
          Optional<Target> found =
              resolve(tokens, end + 1, ConfigSchema.member(type, key).orElseThrow())
                  .map(target -> prepend(key, target));
          if (found.isPresent()) {
            return found;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Target prepend(Object segment, Target target) {
    target.path().add(0, segment);
    return target;
  }

  private static void set(JsonObject root, Target target, String text, String variable) {
    List<Object> path = target.path();
    Object container = root;
    for (int i = 0; i < path.size() - 1; i++) {
      container = child(container, path.get(i), path.get(i + 1) instanceof Integer, variable);
    }
    put(container, path.get(path.size() - 1), value(text, target.type()), variable);
  }

  /** The object or array under {@code segment}, made when absent. */
  private static Object child(Object container, Object segment, boolean array, String variable) {
    Object existing = get(container, segment, variable);
    if (array ? existing instanceof JsonArray : existing instanceof JsonObject) {
      return existing;
    }
    Object made = array ? new JsonArray() : new JsonObject();
    put(container, segment, made, variable);
    return made;
  }

  private static Object get(Object container, Object segment, String variable) {
    if (container instanceof JsonObject object) {
      return object.getValue((String) segment);
    }
    JsonArray array = (JsonArray) container;
    int index = index(array, (Integer) segment, variable);
    return index < array.size() ? array.getValue(index) : null;
  }

  private static void put(Object container, Object segment, Object value, String variable) {
    if (container instanceof JsonObject object) {
      object.put((String) segment, value);
      return;
    }
    JsonArray array = (JsonArray) container;
    int index = index(array, (Integer) segment, variable);
    if (index < array.size()) {
      array.set(index, value);
    } else {
      array.add(value);
    }
  }

  /** An index may name an entry or the one after the last; a gap would leave a hole. */
  private static int index(JsonArray array, int index, String variable) {
    if (index > array.size()) {
      throw new ConfigException(variable, "index " + index + " leaves a gap: the array has "
          + array.size() + " entries, so the next one is " + array.size());
    }
    return index;
  }

  /**
   * The variable's text as the key's type wants it. Text that does not parse is kept as text, so
   * that binding rejects it with the key's own rule.
   */
  private static Object value(String text, Type type) {
    if (ConfigSchema.isObject(type) || ConfigSchema.isArray(type)) {
      try {
        return Json.decodeValue(text);
      } catch (DecodeException e) {
        return text;
      }
    }
    if (type == Integer.class || type == Long.class) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        return text;
      }
    }
    if (type == Boolean.class && text.trim().matches("true|false")) {
      return Boolean.valueOf(text.trim());
    }
    return text;
  }
}
