package io.inferencegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inferencegateway.config.OnnxConfig.ExecutionMode;
import io.inferencegateway.config.OnnxConfig.OptimizationLevel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
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
  private static final Vertx VERTX = Vertx.vertx();

  @TempDir
  Path dir;

  @AfterAll
  static void closeVertx() {
    VERTX.close();
  }

  @Nested
  @DisplayName("The shipped conf/gateway.json")
  class Shipped {

    private final GatewayConfig config = read(SHIPPED);

    @Test
    void servesTheDemoModelsInOrder() {
      assertThat(config.models()).extracting(ModelConfig::name)
          .containsExactly("iris-classifier", "iris-regressor", "mlp", "type-mix", "datatypes");
      assertThat(config.models()).extracting(ModelConfig::version).containsOnly("1");
      assertThat(config.models()).extracting(ModelConfig::instances).containsExactly(1, 1, 2, 1, 1);
    }

    @Test
    void holdsTheDefaultsOrOmitsThem() {
      GatewayConfig defaults = ConfigReader.parse(minimal(), BASE);
      assertThat(config.http()).isEqualTo(defaults.http());
      assertThat(config.health()).isEqualTo(defaults.health());
      assertThat(config.inference()).isEqualTo(defaults.inference());
      assertThat(config.shutdown()).isEqualTo(defaults.shutdown());
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
      assertThat(model("iris-classifier").predict()).isEqualTo(new PredictMapping(
          OutputKind.CLASSIFICATION,
          List.of("petal_length", "petal_width", "sepal_length", "sepal_width"),
          List.of("virginica", "setosa", "versicolor"), null));
      assertThat(model("iris-regressor").predict()).isEqualTo(new PredictMapping(
          OutputKind.REGRESSION,
          List.of("petal_length", "sepal_length", "sepal_width"),
          null, List.of("petal_width")));
      assertThat(model("mlp").predictMapping()).isEmpty();
      assertThat(model("type-mix").predictMapping()).isEmpty();
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
          Math.min(64, Runtime.getRuntime().availableProcessors()), 4L * 1024 * 1024, 10_000L,
          30_000L, 30_000L, 0, false));
    }

    @Test
    void managementListensOnPort8081OfEveryInterface() {
      assertThat(config.management()).isEqualTo(new ManagementConfig("0.0.0.0", 8081, false));
    }

    @Test
    void healthInferenceAndShutdownTakeTheDocumentedLimits() {
      assertThat(config.health()).isEqualTo(new HealthConfig(2000L, 30_000L));
      assertThat(config.inference()).isEqualTo(new InferenceConfig(10_000L, 64));
      assertThat(config.shutdown()).isEqualTo(new ShutdownConfig(0L, 8_000L));
    }

    @Test
    void modelIsVersionOneWithDefaultInstancesAndOnnxSettingsAndNoPredictMapping() {
      assertThat(config.models()).containsExactly(
          new ModelConfig("m", "1", BASE.resolve("m.onnx"), null, null, null, null, null));
    }

    @Test
    void onnxRunsEachRequestOnItsWorkerThreadAlone() {
      assertThat(config.models().get(0).onnx()).isEqualTo(new OnnxConfig(1, 1,
          ExecutionMode.SEQUENTIAL, OptimizationLevel.ALL, false));
    }

    @Test
    void workerInstancesFillTheCoresAtTheirIntraOpThreads() {
      int cores = Runtime.getRuntime().availableProcessors();
      assertThat(config.models().get(0).instances()).isEqualTo(Math.min(64, cores));
      JsonObject wide = config(model("m", "m.onnx")
          .put("onnx", new JsonObject().put("intraOpThreads", 2 * cores)));
      assertThat(ConfigReader.parse(wide, BASE).models().get(0).instances()).isEqualTo(1);
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
      assertThat(read(file).models().get(0).path()).isEqualTo(dir.resolve("m.onnx"));
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
          .isEqualTo("models: required but missing");
    }

    @Test
    void emptyModelsIsRejected() {
      assertThat(parseRejection(new JsonObject().put("models", new JsonArray())))
          .contains("models").contains("non-empty array");
    }

    @Test
    void modelsAsObjectIsRejected() {
      assertThat(parseRejection(new JsonObject().put("models", model("m", "m.onnx"))))
          .startsWith("models: must be an array of objects");
    }

    @Test
    void modelThatIsNotAnObjectIsRejected() {
      JsonObject json = new JsonObject()
          .put("models", new JsonArray().add(model("m", "m.onnx")).add("n"));
      assertThat(parseRejection(json)).isEqualTo("models[1]: must be an object, got \"n\"");
    }

    @Test
    void modelMissingNameIsRejected() {
      JsonObject json = config(model("m", "m.onnx"), new JsonObject().put("path", "n.onnx"));
      assertThat(parseRejection(json)).isEqualTo("models[1].name: required but missing");
    }

    @Test
    void aModelWithoutAPathIsServedFromTheRepositoryFolderAtItsLatestVersion() {
      ModelConfig model = ConfigReader.parse(config(new JsonObject().put("name", "m")), BASE)
          .models().get(0);
      assertThat(model.fromFolder()).isTrue();
      assertThat(model.versionPolicy()).isEqualTo(new VersionPolicy(1, null, null));
      assertThat(model.versionPolicy().choose(List.of("1", "2", "10"))).containsExactly("10");
    }

    @Test
    void versionPoliciesPickTheirVersions() {
      List<String> present = List.of("1", "2", "3");
      assertThat(new VersionPolicy(2, null, null).choose(present)).containsExactly("2", "3");
      assertThat(new VersionPolicy(null, true, null).choose(present)).isEqualTo(present);
      assertThat(new VersionPolicy(null, null, List.of("1", "3", "9")).choose(present))
          .containsExactly("1", "3");
      assertThat(parseRejection(config(new JsonObject().put("name", "m")
          .put("versionPolicy", new JsonObject().put("latest", 1).put("all", true)))))
          .isEqualTo("models[0].versionPolicy: give only one of latest, all and specific");
      assertThat(parseRejection(config(model("m", "m.onnx")
          .put("versionPolicy", new JsonObject().put("all", true)))))
          .startsWith("models[0].versionPolicy: applies to models served from the repository");
    }

    @Test
    void duplicateModelNameIsRejected() {
      JsonObject json = config(model("m", "a.onnx"), model("n", "b.onnx"), model("m", "c.onnx"));
      assertThat(parseRejection(json)).isEqualTo("models[2].name: duplicate model name \"m\"");
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
      assertThat(parseRejection(json))
          .isEqualTo("models[0].instances: must be an integer from 1 to 64, got 0");
    }

    @Test
    void fractionalInstancesIsRejected() {
      JsonObject json = config(model("m", "m.onnx").put("instances", 1.5));
      assertThat(parseRejection(json))
          .isEqualTo("models[0].instances: must be an integer, got 1.5");
    }
  }

  @Nested
  @DisplayName("Unknown keys")
  class UnknownKeys {

    @Test
    void nullForARequiredKeyCountsAsMissing() {
      assertThat(parseRejection(config(model("m", "a.onnx").putNull("name"))))
          .isEqualTo("models[0].name: required but missing");
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
          .startsWith("models[0].path: must be a valid file path, got ");
    }

    @Test
    void typoInModelIsRejectedByName() {
      JsonObject json = config(model("m", "a.onnx"), model("n", "b.onnx").put("instnaces", 2));
      assertThat(parseRejection(json)).isEqualTo("models[1]: unknown key \"instnaces\" "
          + "(allowed: batching, instances, name, onnx, path, predict, version, versionPolicy)");
    }

    @Test
    void typoInHealthIsRejectedByName() {
      JsonObject json = minimal().put("health", new JsonObject().put("timeoutMS", 500));
      assertThat(parseRejection(json))
          .isEqualTo("health: unknown key \"timeoutMS\" (allowed: stuckAfterMs, timeoutMs)");
    }

    @Test
    void typoInHttpIsRejectedByName() {
      JsonObject json = minimal().put("http", new JsonObject().put("prot", 9000));
      assertThat(parseRejection(json)).startsWith("http: unknown key \"prot\" (allowed: ");
    }

    @Test
    void typoInPredictIsRejectedByName() {
      JsonObject json = config(model("m", "m.onnx").put("predict", classification().put("lables",
          new JsonArray().add("a"))));
      assertThat(parseRejection(json))
          .startsWith("models[0].predict: unknown key \"lables\"");
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
      assertThat(parseRejection(minimal().put("model", new JsonArray())))
          .isEqualTo("unknown key \"model\" at the top level "
              + "(allowed: cluster, health, http, inference, management, models, repository, shutdown)");
    }
  }

  @Nested
  @DisplayName("Cluster settings")
  class ClusterSettings {

    @Test
    void standaloneIsTheDefaultWithLoopbackMembers() {
      ClusterConfig cluster = ConfigReader.parse(minimal(), BASE).cluster();
      assertThat(cluster.role()).isEqualTo(ClusterRole.STANDALONE);
      assertThat(cluster.members()).containsExactly("127.0.0.1");
      assertThat(cluster.port()).isEqualTo(5701);
    }

    @Test
    void aGatewayNodeNeedsNoModels() {
      GatewayConfig config = ConfigReader.parse(new JsonObject()
          .put("cluster", new JsonObject().put("role", "gateway")), BASE);
      assertThat(config.models()).isEmpty();
      assertThat(config.cluster().role().runsModels()).isFalse();
    }

    @Test
    void aWorkerStillNeedsModels() {
      assertThat(parseRejection(new JsonObject()
          .put("cluster", new JsonObject().put("role", "worker")))).startsWith("models:");
    }

    @Test
    void theRepositoryApiOnAGatewayNodeIsRejected() {
      JsonObject json = new JsonObject()
          .put("cluster", new JsonObject().put("role", "gateway"))
          .put("management", new JsonObject().put("repositoryApi", true));
      assertThat(parseRejection(json)).startsWith("management.repositoryApi:")
          .contains("workers");
    }

    @Test
    void anUnknownRoleNamesTheRoles() {
      JsonObject json = minimal().put("cluster", new JsonObject().put("role", "primary"));
      assertThat(parseRejection(json)).startsWith("cluster.role:")
          .contains("standalone").contains("gateway").contains("worker").contains("both");
    }

    @Test
    void anEmptyMemberIsRejected() {
      JsonObject json = minimal().put("cluster", new JsonObject()
          .put("members", new JsonArray().add("a:5701").add(" ")));
      assertThat(parseRejection(json)).startsWith("cluster.members:");
    }
  }

  @Nested
  @DisplayName("Server settings")
  class ServerSettings {

    @Test
    void portAsStringIsRejected() {
      JsonObject json = minimal().put("http", new JsonObject().put("port", "8080"));
      assertThat(parseRejection(json)).isEqualTo("http.port: must be an integer, got \"8080\"");
    }

    @Test
    void portAboveRangeIsRejected() {
      JsonObject json = minimal().put("http", new JsonObject().put("port", 65536));
      assertThat(parseRejection(json))
          .isEqualTo("http.port: must be an integer from 0 to 65535, got 65536");
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
          .isEqualTo("http: must be an object, got 8080");
    }
  }

  @Nested
  @DisplayName("Named-feature predict mappings")
  class Predict {

    @Test
    void unknownKindIsRejected() {
      JsonObject json = withPredict(classification().put("kind", "clustering"));
      assertThat(parseRejection(json))
          .isEqualTo("models[0].predict.kind: must be one of \"classification\", "
              + "\"regression\", got \"clustering\"");
    }

    @Test
    void missingKindIsRejected() {
      JsonObject predict = classification();
      predict.remove("kind");
      JsonObject json = withPredict(predict);
      assertThat(parseRejection(json)).isEqualTo("models[0].predict.kind: required but missing");
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
      assertThat(parseRejection(json))
          .isEqualTo("models[0].predict.labels: required but missing");
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
      assertThat(ConfigReader.parse(json, BASE).models().get(0).predict().kind())
          .isEqualTo(OutputKind.CLASSIFICATION);
    }

    private JsonObject withPredict(JsonObject predict) {
      return config(model("m", "m.onnx").put("predict", predict));
    }
  }

  @Nested
  @DisplayName("GATEWAY_* environment variables over the file")
  class Environment {

    @Test
    void scalarKeysAreSetByTheirVariables() {
      GatewayConfig config = withEnv(minimal(), env(
          "GATEWAY_HTTP_PORT", "9000",
          "GATEWAY_HTTP_HOST", "127.0.0.1",
          "GATEWAY_INFERENCE_MAXQUEUE", "8",
          "GATEWAY_HEALTH_STUCK_AFTER_MS", "500",
          "GATEWAY_SHUTDOWN_GRACE_MS", "100"));
      assertThat(config.http().port()).isEqualTo(9000);
      assertThat(config.http().host()).isEqualTo("127.0.0.1");
      assertThat(config.inference().maxQueue()).isEqualTo(8);
      assertThat(config.health().stuckAfterMs()).isEqualTo(500);
      assertThat(config.shutdown().graceMs()).isEqualTo(100);
    }

    @Test
    void theShortDrainDelayVariableSetsTheDrainDelayUnlessTheCanonicalOneDoes() {
      assertThat(withEnv(minimal(), env("GATEWAY_DRAIN_DELAY_MS", "1500"))
          .shutdown().drainDelayMs()).isEqualTo(1500);
      assertThat(withEnv(minimal(), env("GATEWAY_DRAIN_DELAY_MS", "1500",
          "GATEWAY_SHUTDOWN_DRAIN_DELAY_MS", "700")).shutdown().drainDelayMs()).isEqualTo(700);
    }

    @Test
    void underscoresBetweenTheWordsOfAKeyAreOptional() {
      assertThat(withEnv(minimal(), env("GATEWAY_INFERENCE_MAX_QUEUE", "9"))
          .inference().maxQueue()).isEqualTo(9);
      assertThat(withEnv(minimal(), env("GATEWAY_HTTP_MAXBODYBYTES", "2048"))
          .http().maxBodyBytes()).isEqualTo(2048);
    }

    @Test
    void variablesOverrideTheFileAndLeaveItsOtherKeys() {
      JsonObject json = minimal().put("inference", new JsonObject()
          .put("timeoutMs", 500).put("maxQueue", 3));
      GatewayConfig config = withEnv(json, env("GATEWAY_INFERENCE_TIMEOUT_MS", "700"));
      assertThat(config.inference()).isEqualTo(new InferenceConfig(700L, 3));
    }

    @Test
    void modelKeysAreSetByIndex() {
      GatewayConfig config = withEnv(config(model("a", "a.onnx"), model("b", "b.onnx")), env(
          "GATEWAY_MODELS_1_INSTANCES", "3",
          "GATEWAY_MODELS_0_VERSION", "7",
          "GATEWAY_MODELS_0_PATH", "other/a.onnx"));
      assertThat(config.models()).containsExactly(
          new ModelConfig("a", "7", BASE.resolve("other/a.onnx"), null, null, null, null, null),
          new ModelConfig("b", "1", BASE.resolve("b.onnx"), 3, null, null, null, null));
    }

    @Test
    void theIndexAfterTheLastAddsAModel() {
      GatewayConfig config = withEnv(minimal(), env(
          "GATEWAY_MODELS_1_NAME", "extra",
          "GATEWAY_MODELS_1_PATH", "/models/extra.onnx"));
      assertThat(config.models()).extracting(ModelConfig::name).containsExactly("m", "extra");
    }

    @Test
    void anIndexThatLeavesAGapIsRejected() {
      assertThat(envRejection(minimal(), env("GATEWAY_MODELS_2_NAME", "far")))
          .isEqualTo("GATEWAY_MODELS_2_NAME: index 2 leaves a gap: the array has 1 entries, "
              + "so the next one is 1");
    }

    @Test
    void objectsAndArraysTakeJson() {
      GatewayConfig config = withEnv(minimal(), env(
          "GATEWAY_MODELS_0_PREDICT", classification().encode(),
          "GATEWAY_MODELS_0_PREDICT_FEATURES", "[\"x\", \"y\"]"));
      assertThat(config.models().get(0).predict()).isEqualTo(new PredictMapping(
          OutputKind.CLASSIFICATION, List.of("x", "y"), List.of("yes", "no"), null));
      GatewayConfig replaced = withEnv(minimal(), env("GATEWAY_MODELS",
          new JsonArray().add(model("n", "n.onnx")).encode()));
      assertThat(replaced.models()).extracting(ModelConfig::name).containsExactly("n");
    }

    @Test
    void aValueOfTheWrongTypeNamesTheKeyAndTheVariable() {
      assertThat(envRejection(minimal(), env("GATEWAY_HTTP_PORT", "abc")))
          .isEqualTo("http.port: must be an integer, got \"abc\" (set by GATEWAY_HTTP_PORT)");
      assertThat(envRejection(minimal(), env("GATEWAY_MODELS_0_PREDICT", "{kind")))
          .startsWith("models[0].predict: must be an object, got \"{kind\" "
              + "(set by GATEWAY_MODELS_0_PREDICT)");
    }

    @Test
    void aValueOutOfRangeNamesTheKeyAndTheVariable() {
      assertThat(envRejection(minimal(), env("GATEWAY_MODELS_0_INSTANCES", "0")))
          .isEqualTo("models[0].instances: must be an integer from 1 to 64, got 0 "
              + "(set by GATEWAY_MODELS_0_INSTANCES)");
    }

    @Test
    void onnxSettingsTakeBooleansAndNamesFromText() {
      GatewayConfig config = withEnv(minimal(), env(
          "GATEWAY_MODELS_0_ONNX_ALLOW_SPINNING", "true",
          "GATEWAY_MODELS_0_ONNX_EXECUTION_MODE", "parallel",
          "GATEWAY_MODELS_0_ONNX_INTRA_OP_THREADS", "2"));
      assertThat(config.models().get(0).onnx()).isEqualTo(
          new OnnxConfig(2, 1, ExecutionMode.PARALLEL, OptimizationLevel.ALL, true));
      assertThat(envRejection(minimal(), env("GATEWAY_MODELS_0_ONNX_ALLOW_SPINNING", "yes")))
          .isEqualTo("models[0].onnx.allowSpinning: must be true or false, got \"yes\" "
              + "(set by GATEWAY_MODELS_0_ONNX_ALLOW_SPINNING)");
      assertThat(envRejection(minimal(), env("GATEWAY_MODELS_0_ONNX_OPTIMIZATION_LEVEL", "max")))
          .startsWith("models[0].onnx.optimizationLevel: must be one of \"none\", \"basic\", "
              + "\"extended\", \"all\", got \"max\"");
    }

    @Test
    void otherVariablesAreIgnored() {
      GatewayConfig config = withEnv(minimal(), env(
          "GATEWAY_CONFIG", "/elsewhere.json",
          "GATEWAY_LOG_FORMAT", "json",
          "GATEWAY_PORT", "tcp://10.0.0.1:8080",
          "GATEWAY_HTTP_PROT", "9000",
          "GATEWAY_HTTP_PORT", " ",
          "HTTP_PORT", "1",
          "models", "[]"));
      assertThat(config).isEqualTo(ConfigReader.parse(minimal(), BASE));
    }

    private GatewayConfig withEnv(JsonObject json, JsonObject env) {
      return ConfigReader.parse(json, env, BASE);
    }

    private String envRejection(JsonObject json, JsonObject env) {
      return rejection(() -> ConfigReader.parse(json, env, BASE));
    }

    private JsonObject env(String... namesAndValues) {
      JsonObject env = new JsonObject();
      for (int i = 0; i < namesAndValues.length; i += 2) {
        env.put(namesAndValues[i], namesAndValues[i + 1]);
      }
      return env;
    }
  }

  @Nested
  @DisplayName("Reading the file")
  class ReadingFiles {

    @Test
    void malformedJsonIsRejectedOnOneLine() throws IOException {
      Path file = write("broken.json", "{\n  \"models\": [\n    {\"name\": \"m\",\n");
      assertThat(readRejection(file)).startsWith(file + " is not a JSON object: ");
    }

    @Test
    void jsonArrayIsRejected() throws IOException {
      Path file = write("array.json", new JsonArray().add(minimal()).encodePrettily());
      assertThat(readRejection(file)).startsWith(file + " is not a JSON object: ");
    }

    @Test
    void jsonNullIsRejected() throws IOException {
      Path file = write("null.json", "null");
      assertThat(readRejection(file)).startsWith(file + " is not a JSON object: ");
    }

    @Test
    void emptyFileIsRejected() throws IOException {
      Path file = write("empty.json", "");
      assertThat(readRejection(file)).startsWith(file + " is not a JSON object: ");
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
          .isEqualTo(file + ": models[1].name: required but missing");
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
    return rejection(() -> read(file));
  }

  /** Reads as the gateway does, through vertx-config, with this JVM's environment. */
  private static GatewayConfig read(Path file) {
    try {
      return ConfigReader.read(VERTX, file).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The message of the ConfigException thrown, which must be one non-blank line. */
  private static String rejection(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isExactlyInstanceOf(ConfigException.class);
    assertThat(thrown.getMessage()).isNotBlank().doesNotContain("\n", "\r");
    return thrown.getMessage();
  }
}
