package io.inferencegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ConfigReader: reading, defaults and one-line rejections of gateway.json")
class ConfigReaderTest {

  private static final Path BASE = Path.of("/srv/gateway/conf");
  private static final Path SHIPPED = Path.of("conf/gateway.json");

  @TempDir
  Path dir;

  @Nested
  @DisplayName("The shipped conf/gateway.json")
  class Shipped {

    private final GatewayConfig config = ConfigReader.read(SHIPPED);

    @Test
    void servesTheFourDemoModelsInOrder() {
      assertThat(config.models()).extracting(ModelConfig::name)
          .containsExactly("iris-classifier", "iris-regressor", "mlp", "type-mix");
      assertThat(config.models()).extracting(ModelConfig::version).containsOnly("1");
      assertThat(config.models()).extracting(ModelConfig::instances).containsExactly(1, 1, 2, 1);
    }

    @Test
    void spellsOutTheServerSettings() {
      assertThat(config.http()).isEqualTo(new HttpConfig("0.0.0.0", 8080, 2, 4L * 1024 * 1024));
      assertThat(config.health()).isEqualTo(new HealthConfig(2000, 30_000));
      assertThat(config.inference()).isEqualTo(new InferenceConfig(10_000, 64));
    }

    @Test
    void resolvesModelPathsAgainstTheConfigFolder() {
      Path conf = SHIPPED.toAbsolutePath().getParent();
      assertThat(config.models()).allSatisfy(model -> {
        assertThat(model.path()).isAbsolute()
            .isEqualTo(conf.resolve("models/" + model.name() + "/1/model.onnx"));
        assertThat(model.path()).isRegularFile();
      });
    }

    @Test
    void mapsNamedFeaturesForTheIrisModelsOnly() {
      assertThat(model("iris-classifier").predict()).contains(new PredictMapping(
          OutputKind.CLASSIFICATION,
          List.of("petal_length", "petal_width", "sepal_length", "sepal_width"),
          List.of("virginica", "setosa", "versicolor")));
      assertThat(model("iris-regressor").predict()).contains(new PredictMapping(
          OutputKind.REGRESSION,
          List.of("petal_length", "sepal_length", "sepal_width"),
          List.of("petal_width")));
      assertThat(model("mlp").predict()).isEmpty();
      assertThat(model("type-mix").predict()).isEmpty();
    }

    private ModelConfig model(String name) {
      return config.models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }
  }

  @Nested
  @DisplayName("Defaults for absent optional keys")
  class Defaults {

    private final GatewayConfig config = ConfigReader.parse(minimal(), BASE);

    @Test
    void httpListensOnPort8080OfEveryInterfaceWithOneInstancePerCore() {
      assertThat(config.http()).isEqualTo(new HttpConfig("0.0.0.0", 8080,
          Runtime.getRuntime().availableProcessors(), 4L * 1024 * 1024));
    }

    @Test
    void healthAndInferenceTakeTheDocumentedLimits() {
      assertThat(config.health()).isEqualTo(new HealthConfig(2000, 30_000));
      assertThat(config.inference()).isEqualTo(new InferenceConfig(10_000, 64));
    }

    @Test
    void modelIsVersionOneWithOneInstanceAndNoPredictMapping() {
      assertThat(config.models()).containsExactly(
          new ModelConfig("m", "1", BASE.resolve("m.onnx"), 1, Optional.empty()));
    }

    @Test
    void emptySectionsAlsoTakeTheDefaults() {
      JsonObject json = minimal().put("http", new JsonObject()).put("health", new JsonObject());
      GatewayConfig withEmpty = ConfigReader.parse(json, BASE);
      assertThat(withEmpty.http()).isEqualTo(config.http());
      assertThat(withEmpty.health()).isEqualTo(config.health());
    }
  }

  @Nested
  @DisplayName("Accepted values")
  class Accepted {

    @Test
    void versionWrittenAsIntegerBecomesString() {
      JsonObject json = config(model("m", "m.onnx").put("version", 3));
      assertThat(ConfigReader.parse(json, BASE).models().get(0).version()).isEqualTo("3");
    }

    @Test
    void modelPathIsNormalizedAgainstTheBaseFolder() {
      JsonObject json = config(model("m", "../models/./m.onnx"));
      assertThat(ConfigReader.parse(json, BASE).models().get(0).path())
          .isEqualTo(Path.of("/srv/gateway/models/m.onnx"));
    }

    @Test
    void absoluteModelPathIsKept() {
      JsonObject json = config(model("m", "/opt/models/m.onnx"));
      assertThat(ConfigReader.parse(json, BASE).models().get(0).path())
          .isEqualTo(Path.of("/opt/models/m.onnx"));
    }

    @Test
    void readResolvesModelPathsAgainstTheFileFolder() throws IOException {
      Path file = write("gateway.json", minimal().encode());
      assertThat(ConfigReader.read(file).models().get(0).path()).isEqualTo(dir.resolve("m.onnx"));
    }

    @Test
    void portZeroIsAllowedForAnyFreePort() {
      JsonObject json = minimal().put("http", new JsonObject().put("port", 0));
      assertThat(ConfigReader.parse(json, BASE).http().port()).isZero();
    }
  }

  @Nested
  @DisplayName("The models array")
  class ModelsArray {

    @Test
    void missingModelsIsRejected() {
      assertThat(parseRejection(new JsonObject()))
          .isEqualTo("missing required key models");
    }

    @Test
    void emptyModelsIsRejected() {
      assertThat(parseRejection(new JsonObject().put("models", new JsonArray())))
          .contains("models").contains("non-empty array");
    }

    @Test
    void modelsAsObjectIsRejected() {
      assertThat(parseRejection(new JsonObject().put("models", model("m", "m.onnx"))))
          .startsWith("models must be a non-empty array");
    }

    @Test
    void modelThatIsNotAnObjectIsRejected() {
      JsonObject json = new JsonObject()
          .put("models", new JsonArray().add(model("m", "m.onnx")).add("n"));
      assertThat(parseRejection(json)).isEqualTo("models[1] must be an object");
    }

    @Test
    void modelMissingNameIsRejected() {
      JsonObject json = config(model("m", "m.onnx"), new JsonObject().put("path", "n.onnx"));
      assertThat(parseRejection(json)).contains("missing").contains("models[1].name");
    }

    @Test
    void modelMissingPathIsRejected() {
      JsonObject json = config(new JsonObject().put("name", "m"));
      assertThat(parseRejection(json)).contains("missing").contains("models[0].path");
    }

    @Test
    void duplicateModelNameIsRejected() {
      JsonObject json = config(model("m", "a.onnx"), model("n", "b.onnx"), model("m", "c.onnx"));
      assertThat(parseRejection(json)).contains("duplicate model name").contains("\"m\"");
    }

    @Test
    void duplicateModelNameIsRejectedEvenWithOtherVersion() {
      JsonObject json = config(model("m", "a.onnx"), model("m", "b.onnx").put("version", "2"));
      assertThat(parseRejection(json)).contains("duplicate model name \"m\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "a b", "a/b", "..", ".", "a?b", "é"})
    void unsafeModelNameIsRejected(String name) {
      JsonObject json = config(model(name, "m.onnx"));
      assertThat(parseRejection(json)).contains("models[0].name").contains("\"" + name + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1/2", "..", "v 1"})
    void unsafeModelVersionIsRejected(String version) {
      JsonObject json = config(model("m", "m.onnx").put("version", version));
      assertThat(parseRejection(json))
          .contains("models[0].version").contains("\"" + version + "\"");
    }

    @Test
    void blankModelNameIsRejected() {
      JsonObject json = config(model(" ", "m.onnx"));
      assertThat(parseRejection(json)).contains("models[0].name").contains("non-empty string");
    }

    @Test
    void numericModelNameIsRejected() {
      JsonObject json = config(new JsonObject().put("name", 7).put("path", "m.onnx"));
      assertThat(parseRejection(json)).contains("models[0].name").contains("got 7");
    }

    @Test
    void zeroInstancesIsRejected() {
      JsonObject json = config(model("m", "m.onnx").put("instances", 0));
      assertThat(parseRejection(json)).contains("models[0].instances").contains("got 0");
    }

    @Test
    void fractionalInstancesIsRejected() {
      JsonObject json = config(model("m", "m.onnx").put("instances", 1.5));
      assertThat(parseRejection(json)).contains("models[0].instances").contains("integer");
    }
  }

  @Nested
  @DisplayName("Unknown keys")
  class UnknownKeys {

    @Test
    void nullForARequiredKeyCountsAsMissing() {
      assertThat(parseRejection(config(model("m", "a.onnx").putNull("name"))))
          .contains("missing required key models[0].name");
      assertThat(parseRejection(config(model("m", "a.onnx").putNull("path"))))
          .contains("missing required key models[0].path");
    }

    @Test
    void textFromTheFileCannotBreakTheOneLineMessage() {
      assertThat(parseRejection(config(model("a\nb", "a.onnx")))).contains("\"a\\nb\"");
      assertThat(parseRejection(config(model("m", "a.onnx").put("odd\nkey", 1))))
          .contains("\"odd\\nkey\"");
    }

    @Test
    void pathThatIsNoFilePathIsRejected() {
      assertThat(parseRejection(config(model("m", "a\u0000.onnx"))))
          .contains("models[0].path").contains("not a valid file path");
    }

    @Test
    void typoInModelIsRejectedByName() {
      JsonObject json = config(model("m", "a.onnx"), model("n", "b.onnx").put("instnaces", 2));
      assertThat(parseRejection(json))
          .contains("unknown key \"instnaces\"").contains("models[1]").contains("instances");
    }

    @Test
    void typoInHealthIsRejectedByName() {
      JsonObject json = minimal().put("health", new JsonObject().put("timeoutMS", 500));
      assertThat(parseRejection(json))
          .contains("unknown key \"timeoutMS\"").contains("in health").contains("timeoutMs");
    }

    @Test
    void typoInHttpIsRejectedByName() {
      JsonObject json = minimal().put("http", new JsonObject().put("prot", 9000));
      assertThat(parseRejection(json)).contains("unknown key \"prot\"").contains("in http");
    }

    @Test
    void typoInPredictIsRejectedByName() {
      JsonObject json = config(model("m", "m.onnx").put("predict", classification().put("lables",
          new JsonArray().add("a"))));
      assertThat(parseRejection(json))
          .contains("unknown key \"lables\"").contains("models[0].predict");
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
      assertThat(parseRejection(minimal().put("model", new JsonArray())))
          .contains("unknown key \"model\"").contains("the top level");
    }
  }

  @Nested
  @DisplayName("Server settings")
  class ServerSettings {

    @Test
    void portAsStringIsRejected() {
      JsonObject json = minimal().put("http", new JsonObject().put("port", "8080"));
      assertThat(parseRejection(json)).contains("http.port").contains("\"8080\"");
    }

    @Test
    void portAboveRangeIsRejected() {
      JsonObject json = minimal().put("http", new JsonObject().put("port", 65536));
      assertThat(parseRejection(json)).contains("http.port").contains("0 to 65535");
    }

    @Test
    void negativeHealthTimeoutIsRejected() {
      JsonObject json = minimal().put("health", new JsonObject().put("timeoutMs", -1));
      assertThat(parseRejection(json)).contains("health.timeoutMs").contains("got -1");
    }

    @Test
    void zeroInferenceQueueIsRejected() {
      JsonObject json = minimal().put("inference", new JsonObject().put("maxQueue", 0));
      assertThat(parseRejection(json)).contains("inference.maxQueue").contains("got 0");
    }

    @Test
    void sectionThatIsNotAnObjectIsRejected() {
      assertThat(parseRejection(minimal().put("http", 8080)))
          .isEqualTo("http must be an object, got 8080");
    }
  }

  @Nested
  @DisplayName("Named-feature predict mappings")
  class Predict {

    @Test
    void unknownKindIsRejected() {
      JsonObject json = withPredict(classification().put("kind", "clustering"));
      assertThat(parseRejection(json))
          .contains("models[0].predict.kind").contains("\"clustering\"").contains("regression");
    }

    @Test
    void missingKindIsRejected() {
      JsonObject predict = classification();
      predict.remove("kind");
      JsonObject json = withPredict(predict);
      assertThat(parseRejection(json)).contains("missing").contains("models[0].predict.kind");
    }

    @Test
    void classificationWithTargetsIsRejected() {
      JsonObject json = withPredict(classification().put("targets", new JsonArray().add("t")));
      assertThat(parseRejection(json))
          .contains("models[0].predict.targets").contains("does not apply").contains("use labels");
    }

    @Test
    void regressionWithLabelsIsRejected() {
      JsonObject json = withPredict(new JsonObject().put("kind", "regression")
          .put("features", new JsonArray().add("a")).put("labels", new JsonArray().add("l")));
      assertThat(parseRejection(json))
          .contains("models[0].predict.labels").contains("use targets");
    }

    @Test
    void duplicateFeatureNamesAreRejected() {
      JsonObject json = withPredict(classification()
          .put("features", new JsonArray().add("a").add("b").add("a")));
      assertThat(parseRejection(json))
          .contains("models[0].predict.features").contains("\"a\"").contains("twice");
    }

    @Test
    void missingLabelsAreRejected() {
      JsonObject predict = classification();
      predict.remove("labels");
      JsonObject json = withPredict(predict);
      assertThat(parseRejection(json)).contains("missing").contains("models[0].predict.labels");
    }

    @Test
    void emptyFeaturesAreRejected() {
      JsonObject json = withPredict(classification().put("features", new JsonArray()));
      assertThat(parseRejection(json)).contains("models[0].predict.features").contains("non-empty");
    }

    @Test
    void nonStringFeatureIsRejected() {
      JsonObject json = withPredict(classification()
          .put("features", new JsonArray().add("a").add(2)));
      assertThat(parseRejection(json)).contains("models[0].predict.features").contains("got 2");
    }

    @Test
    void kindIsCaseInsensitive() {
      JsonObject json = withPredict(classification().put("kind", "Classification"));
      assertThat(ConfigReader.parse(json, BASE).models().get(0).predict())
          .map(PredictMapping::kind).contains(OutputKind.CLASSIFICATION);
    }

    private JsonObject withPredict(JsonObject predict) {
      return config(model("m", "m.onnx").put("predict", predict));
    }
  }

  @Nested
  @DisplayName("Reading the file")
  class ReadingFiles {

    @Test
    void malformedJsonIsRejectedOnOneLine() throws IOException {
      Path file = write("broken.json", "{\n  \"models\": [\n    {\"name\": \"m\",\n");
      assertThat(readRejection(file)).startsWith(file.toString()).contains("not a JSON object");
    }

    @Test
    void jsonArrayIsRejected() throws IOException {
      Path file = write("array.json", new JsonArray().add(minimal()).encodePrettily());
      assertThat(readRejection(file)).startsWith(file.toString()).contains("not a JSON object");
    }

    @Test
    void jsonNullIsRejected() throws IOException {
      Path file = write("null.json", "null");
      assertThat(readRejection(file)).contains("not a JSON object");
    }

    @Test
    void emptyFileIsRejected() throws IOException {
      Path file = write("empty.json", "");
      assertThat(readRejection(file)).contains("not a JSON object");
    }

    @Test
    void missingFileIsRejected() {
      Path file = dir.resolve("absent.json");
      assertThat(readRejection(file)).contains("cannot read").contains(file.toString());
    }

    @Test
    void folderInsteadOfFileIsRejected() {
      assertThat(readRejection(dir)).contains("cannot read").contains(dir.toString());
    }

    @Test
    void validationErrorNamesTheFileAndThePlace() throws IOException {
      JsonObject json = config(model("m", "a.onnx"), new JsonObject().put("path", "b.onnx"));
      Path file = write("gateway.json", json.encodePrettily());
      assertThat(readRejection(file))
          .isEqualTo(file + ": missing required key models[1].name");
    }
  }

  private static JsonObject minimal() {
    return config(model("m", "m.onnx"));
  }

  private static JsonObject config(JsonObject... models) {
    JsonArray array = new JsonArray();
    for (JsonObject model : models) {
      array.add(model);
    }
    return new JsonObject().put("models", array);
  }

  private static JsonObject model(String name, String path) {
    return new JsonObject().put("name", name).put("path", path);
  }

  private static JsonObject classification() {
    return new JsonObject().put("kind", "classification")
        .put("features", new JsonArray().add("a").add("b"))
        .put("labels", new JsonArray().add("yes").add("no"));
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String parseRejection(JsonObject json) {
    return rejection(() -> ConfigReader.parse(json, BASE));
  }

  private static String readRejection(Path file) {
    return rejection(() -> ConfigReader.read(file));
  }

  /** The message of the ConfigException thrown, which must be one non-blank line. */
  private static String rejection(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isExactlyInstanceOf(ConfigException.class);
    assertThat(thrown.getMessage()).isNotBlank().doesNotContain("\n", "\r");
    return thrown.getMessage();
  }
}
