package io.inferencegateway.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The shape of the configuration as the records that bind it declare it: which keys an object
 * has and what each holds. Environment overrides, error messages and the documented key table
 * all follow it, so a key added to a record is at once settable, explained and listed.
 */
final class ConfigSchema {

  /** A leaf key, with its path written {@code models[].predict.kind}. */
  record Key(String path, Type type) {
  }

  private ConfigSchema() {
  }

  /** Every leaf key under the top level, in declaration order. */
  static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    collect("", GatewayConfig.class, keys);
    return keys;
  }

  /** The type an object of {@code type} binds under {@code name}, if it has such a key. */
  static Optional<Type> member(Type type, String name) {
    if (!isObject(type)) {
      return Optional.empty();
    }
    return Arrays.stream(((Class<?>) type).getRecordComponents())
        .filter(component -> component.getName().equals(name))
        .map(RecordComponent::getGenericType)
        .findFirst();
  }

  /** The names of the keys an object of {@code type} has. */
  static List<String> memberNames(Type type) {
    return Arrays.stream(((Class<?>) type).getRecordComponents())
        .map(RecordComponent::getName).toList();
  }

  static boolean isObject(Type type) {
    return type instanceof Class<?> c && c.isRecord();
  }

  static boolean isArray(Type type) {
    return type instanceof ParameterizedType p && p.getRawType() == List.class;
  }

  static Type element(Type arrayType) {
    return ((ParameterizedType) arrayType).getActualTypeArguments()[0];
  }

  /** A key path written as every message writes it, {@code models[1].predict}: keys and indexes. */
  static String path(List<?> segments) {
    StringBuilder text = new StringBuilder();
    for (Object segment : segments) {
      if (segment instanceof Integer index) {
        text.append('[').append(index).append(']');
      } else {
        text.append(text.length() == 0 ? "" : ".").append(segment);
      }
    }
    return text.toString();
  }

  /** What a value of {@code type} must be, as an error message says it. */
  static String expectation(Type type) {
    if (isObject(type)) {
      return "must be an object";
    }
    if (isArray(type)) {
      return "must be an array of " + (isObject(element(type)) ? "objects" : "strings");
    }
    if (type == Integer.class || type == Long.class) {
      return "must be an integer";
    }
    if (type == Boolean.class) {
      return "must be true or false";
    }
    if (type == Path.class) {
      return "must be a valid file path";
    }
    if (type instanceof Class<?> c && c.isEnum()) {
      return "must be one of " + String.join(", ", Arrays.stream(c.getEnumConstants())
          .map(constant -> Rules.describe(constant.toString().toLowerCase(Locale.ROOT))).toList());
    }
    return "must be a string";
  }

  private static void collect(String prefix, Type type, List<Key> keys) {
    for (RecordComponent component : ((Class<?>) type).getRecordComponents()) {
      String path = prefix.isEmpty() ? component.getName() : prefix + "." + component.getName();
      Type member = component.getGenericType();
      if (isObject(member)) {
        collect(path, member, keys);
      } else if (isArray(member) && isObject(element(member))) {
        collect(path + "[]", element(member), keys);
      } else {
        keys.add(new Key(path, member));
      }
    }
  }
}
