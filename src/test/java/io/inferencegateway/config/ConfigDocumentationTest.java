package io.inferencegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's configuration table, checked row by row against the records and the overrides. */
@DisplayName("The README documents every configuration key, its default and its variable")
class ConfigDocumentationTest {

  private static final Path BASE = Path.of("/srv/gateway/conf");
  /** The least configuration there is: keys given here are the required ones. */
  private static final Set<String> GIVEN = Set.of("models[].name");
  /** Keys whose absence means something of its own, which the README says after "none". */
  private static final Set<String> NONE = Set.of("models[].path", "cluster.host",
      "cluster.publicHost",
      "models[].versionPolicy.all", "models[].versionPolicy.specific");
  private static final String MODEL_KEY = "models[].";
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private final Map<String, List<String>> rows = readmeRows();
  private final GatewayConfig defaults = ConfigReader.parse(least(), BASE);

  @Test
  void everyKeyHasOneRowInDeclarationOrder() {
    assertThat(rows.keySet()).containsExactlyElementsOf(
        ConfigSchema.keys().stream().map(ConfigSchema.Key::path).toList());
  }

  @Test
  void everyDefaultIsTheCodes() {
    for (ConfigSchema.Key key : ConfigSchema.keys()) {
      String documented = rows.get(key.path()).get(0);
      Object value = valueAt(defaults, key.path());
      if (NONE.contains(key.path())) {
        assertThat(documented).as(key.path()).startsWith("none");
      } else if (key.path().equals("models[].versionPolicy.latest")) {
        assertThat(VersionPolicy.latestOne().latest()).isEqualTo(1);
        assertThat(documented).as(key.path()).startsWith("`1`");
      } else if (key.path().equals("models[].batching.enabled")) {
        assertThat(value).as("left to the model").isNull();
        assertThat(documented).as(key.path()).startsWith("on when");
      } else if (GIVEN.contains(key.path()) || value == null) {
        assertThat(documented).as(key.path()).startsWith("required");
      } else if (key.path().equals("http.instances")) {
        assertThat(documented).as(key.path()).contains("number of cores");
        assertThat(value).isEqualTo(Math.min(64, CORES));
      } else if (key.path().equals("models[].instances")) {
        assertThat(documented).as(key.path()).contains("number of cores divided by");
        assertThat(value).isEqualTo(Math.max(1, CORES / defaults.models().get(0).onnx()
            .intraOpThreads()));
      } else {
        assertThat(documented).as(key.path()).startsWith("`" + render(value) + "`");
      }
    }
  }

  @Test
  void theKeysGivenInTheLeastConfigurationAreRequired() {
    for (String path : GIVEN) {
      JsonObject json = least();
      json.getJsonArray("models").getJsonObject(0).remove(path.substring(MODEL_KEY.length()));
      assertThat(catchThrowable(() -> ConfigReader.parse(json, BASE))).as(path)
          .isInstanceOf(ConfigException.class).hasMessageContaining("required but missing");
    }
  }

  @Test
  void everyVariableSetsItsKey() {
    for (ConfigSchema.Key key : ConfigSchema.keys()) {
      String variable = variable(key.path());
      assertThat(rows.get(key.path()).get(1)).as(key.path()).isEqualTo("`" + variable + "`");
      JsonObject json = least();
      Map<String, String> origins = EnvOverrides.apply(json,
          new JsonObject().put(variable.replace("<i>", "0"), "set"));
      String path = key.path().replace("[]", "[0]");
      assertThat(origins).as(variable).containsEntry(path, variable.replace("<i>", "0"));
      assertThat(jsonAt(json, path)).as(variable).isEqualTo("set");
    }
  }

  /** A default as the configuration would write it; enumerations in lower case. */
  private static String render(Object value) {
    return value instanceof Enum<?> constant
        ? Json.encode(constant.name().toLowerCase(Locale.ROOT)) : Json.encode(value);
  }

  /** The canonical variable: keys upper-cased, their words and the path's parts joined by '_'. */
  private static String variable(String path) {
    List<String> parts = new ArrayList<>();
    for (String key : path.split("\\.")) {
      boolean indexed = key.endsWith("[]");
      parts.add(key.replace("[]", "").replaceAll("([a-z])([A-Z])", "$1_$2")
          .toUpperCase(Locale.ROOT));
      if (indexed) {
        parts.add("<i>");
      }
    }
    return EnvOverrides.PREFIX + String.join("_", parts);
  }

  private static Object valueAt(Object config, String path) {
    Object value = config;
    for (String key : path.split("\\.")) {
      if (value == null) {
        return null;
      }
      value = component(value, key.replace("[]", ""));
      if (key.endsWith("[]")) {
        value = ((List<?>) value).get(0);
      }
    }
    return value;
  }

  private static Object component(Object record, String name) {
    try {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        if (component.getName().equals(name)) {
          return component.getAccessor().invoke(record);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalArgumentException(name + " is not a key of " + record.getClass());
  }

  private static Object jsonAt(JsonObject json, String path) {
    Object value = json;
    for (String key : path.split("\\.")) {
      boolean indexed = key.endsWith("[0]");
      value = ((JsonObject) value).getValue(key.replace("[0]", ""));
      if (indexed) {
        value = ((JsonArray) value).getValue(0);
      }
    }
    return value;
  }

  private static JsonObject least() {
    return new JsonObject().put("models", new JsonArray()
        .add(new JsonObject().put("name", "m").put("path", "m.onnx")));
  }

  /** Key to its default and variable cells, from the table under "## Configuration". */
  private static Map<String, List<String>> readmeRows() {
    String readme;
    try {
      readme = Files.readString(Path.of("README.md"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String section = readme.substring(readme.indexOf("## Configuration"));
    section = section.substring(0, section.indexOf("\n## ", 1));
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      if (line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        rows.put(cells[1].trim().replace("`", ""), List.of(cells[2].trim(), cells[3].trim()));
      }
    }
    return rows;
  }
}
