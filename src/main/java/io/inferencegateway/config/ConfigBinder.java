package io.inferencegateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds configuration JSON to the records with Jackson, strictly: unknown keys, and values of the
 * wrong JSON type, are refused rather than coerced. Jackson's errors become one line naming the
 * key path.
 */
final class ConfigBinder {

  private static final ObjectMapper MAPPER = strictMapper();

  private ConfigBinder() {
  }

  /** Binds {@code json}; {@code origins} names the environment variable behind a key path. */
  static GatewayConfig bind(JsonObject json, Map<String, String> origins) {
    try {
      return MAPPER.readValue(json.toBuffer().getBytes(), GatewayConfig.class);
    } catch (JsonMappingException e) {
      ConfigException problem = describe(e, json);
      String origin = originOf(problem.key(), origins);
      throw origin == null ? problem : problem.from("set by " + origin);
    } catch (IOException e) {
      throw new ConfigException("cannot bind the configuration: " + e.getMessage());
    }
  }

  /** A model entry as the JSON {@link #bind} reads back to an equal entry. */
  static JsonObject json(ModelConfig model) {
    return new JsonObject(MAPPER.convertValue(model, Map.class));
  }

  private static ConfigException describe(JsonMappingException e, JsonObject json) {
    List<Reference> path = e.getPath();
    if (e instanceof ValueInstantiationException && e.getCause() instanceof ConfigException cause) {
      return cause.under(render(path));
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      String where = render(path.subList(0, path.size() - 1));
      return new ConfigException(where.isEmpty() ? null : where, "unknown key "
          + Rules.describe(unknown.getPropertyName()) + (where.isEmpty() ? " at the top level" : "")
          + " (allowed: " + String.join(", ", new TreeSet<>(unknown.getKnownPropertyIds()
              .stream().map(Object::toString).toList())) + ")");
    }
    return Rules.invalid(render(path), ConfigSchema.expectation(typeAt(path)), valueAt(json, path));
  }

  /** The type the schema binds at a path, following keys and array elements. */
  private static Type typeAt(List<Reference> path) {
    Type type = GatewayConfig.class;
    for (Reference reference : path) {
      type = reference.getFieldName() == null
          ? ConfigSchema.element(type)
          : ConfigSchema.member(type, reference.getFieldName()).orElseThrow();
    }
    return type;
  }

  private static Object valueAt(JsonObject json, List<Reference> path) {
    Object value = json;
    for (Reference reference : path) {
      value = reference.getFieldName() == null
          ? ((JsonArray) value).getValue(reference.getIndex())
          : ((JsonObject) value).getValue(reference.getFieldName());
    }
    return value;
  }

  /** The variable that set the key, or an object or array holding it. */
  private static String originOf(String key, Map<String, String> origins) {
    for (String path = key; path != null && !path.isEmpty(); path = parent(path)) {
      if (origins.containsKey(path)) {
        return origins.get(path);
      }
    }
    return null;
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? null : path.substring(0, cut);
  }

  /** Jackson's path as keys and indexes, written as every message writes a key path. */
  private static String render(List<Reference> path) {
    return ConfigSchema.path(path.stream()
        .map(reference -> reference.getFieldName() == null
            ? (Object) reference.getIndex() : reference.getFieldName())
        .toList());
  }

  private static ObjectMapper strictMapper() {
    JsonMapper mapper = JsonMapper.builder()
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(new SimpleModule()
            .addDeserializer(Path.class, new PathDeserializer())
            .addSerializer(Path.class, ToStringSerializer.instance))
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /** A file path from a string; one the platform cannot represent is refused. */
  private static final class PathDeserializer extends FromStringDeserializer<Path> {

    PathDeserializer() {
      super(Path.class);
    }

    @Override
    protected Path _deserialize(String value, DeserializationContext context) {
      return Path.of(value);
    }
  }
}
