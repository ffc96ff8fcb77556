package io.inferencegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Main as a separate JVM: configuration errors, port override and health")
class MainProcessTest {

  private static final Duration START_WITHIN = Duration.ofSeconds(30);
  private static final Pattern LISTENING = GatewayProcess.LISTENING;
  private static final Path MLP_MODEL = Path.of("conf/models/mlp/1/model.onnx").toAbsolutePath();

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @TempDir
  Path dir;

  private GatewayProcess gateway;

  @AfterEach
  void stopGateway() throws InterruptedException {
    if (gateway != null) {
      gateway.stop();
    }
  }

  @Test
  void invalidConfigExitsWithOneLineOnStderr() throws Exception {
    JsonObject config = config(model("mlp", MLP_MODEL), model("mlp", MLP_MODEL));
    gateway = GatewayProcess.start(Map.of("GATEWAY_CONFIG", write(config).toString()));

    assertThat(gateway.awaitExit()).as("exit code for an invalid configuration").isEqualTo(2);
    assertThat(gateway.stderr()).singleElement().asString()
        .startsWith("inference-gateway: invalid configuration:")
        .contains("duplicate model name \"mlp\"");
    assertNoStackTrace();
  }

  @Test
  void missingConfigFileExitsWithOneLineOnStderr() throws Exception {
    Path absent = dir.resolve("absent.json");
    gateway = GatewayProcess.start(Map.of("GATEWAY_CONFIG", absent.toString()));

    assertThat(gateway.awaitExit()).isEqualTo(2);
    assertThat(gateway.stderr()).singleElement().asString()
        .contains("cannot read configuration file").contains(absent.toString());
    assertNoStackTrace();
  }

  @Test
  void invalidPortOverrideExitsWithOneLineOnStderr() throws Exception {
    gateway = GatewayProcess.start(Map.of("GATEWAY_HTTP_PORT", "abc"));

    assertThat(gateway.awaitExit()).isEqualTo(2);
    assertThat(gateway.stderr()).singleElement().asString()
        .contains("GATEWAY_HTTP_PORT").contains("\"abc\"");
    assertNoStackTrace();
  }

  @Test
  void anyKeyCanBeSetFromTheEnvironment() throws Exception {
    gateway = GatewayProcess.start(Map.of(
        "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_HTTP_HOST", "127.0.0.1",
        "GATEWAY_MODELS_4_NAME", "second-mlp",
        "GATEWAY_MODELS_4_PATH", MLP_MODEL.toString()));

    String line = gateway.awaitStdout(text -> LISTENING.matcher(text).find());
    assertThat(line).contains("listening on 127.0.0.1:").contains("with 5 models");
    assertThat(awaitStatus(listeningPort(line), "/v2/models/second-mlp/ready", 200))
        .isEqualTo(200);
  }

  @Test
  void accessLogWritesOneLinePerRequestWhenSwitchedOn() throws Exception {
    gateway = GatewayProcess.start(Map.of(
        "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_HTTP_ACCESS_LOG", "true"));
    int port = listeningPort(gateway.awaitStdout(text -> LISTENING.matcher(text).find()));
    assertThat(awaitStatus(port, "/v2/models/mlp/ready", 200)).isEqualTo(200);

    String line = gateway.awaitStdout(text -> text.contains("GET /v2/models/:name/ready"));
    assertThat(line).contains("model=mlp").contains("status=200")
        .containsPattern("duration_us=\\d+")
        .containsPattern("request_id=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-");
  }

  @Test
  void shippedLoggingWritesTimedTextLines() throws Exception {
    gateway = GatewayProcess.startWithShippedLogging(Map.of("GATEWAY_HTTP_PORT", "0"));

    assertThat(gateway.awaitStdout(text -> LISTENING.matcher(text).find()))
        .matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO  \\[[^\\]]+\\] Main - inference-gateway "
            + "listening on .*");
    assertThat(gateway.stdout()).anyMatch(text -> text.matches(
        ".* INFO  \\[model-mlp[^\\]]*\\] ModelRuntime - Loaded model mlp version 1 from .*"));
  }

  @Test
  void shippedLoggingWritesJsonLinesWhenAsked() throws Exception {
    gateway = GatewayProcess.startWithShippedLogging(
        Map.of("GATEWAY_HTTP_PORT", "0", "GATEWAY_LOG_FORMAT", "json"));

    JsonObject line = new JsonObject(
        gateway.awaitStdout(text -> LISTENING.matcher(text).find()));
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("loggerName")).isEqualTo(Main.class.getName());
    assertThat(line.getString("formattedMessage")).startsWith("inference-gateway listening on");
    assertThat(line.getLong("timestamp")).isPositive();
    assertThat(gateway.stdout()).allSatisfy(text -> assertThat(new JsonObject(text)).isNotNull());
  }

  @Test
  void aLogbackFileOfTheUsersReplacesTheShippedLogging() throws Exception {
    Path logback = dir.resolve("logback.xml");
    Files.writeString(logback, """
        <configuration>
          <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>custom|%level|%logger|%msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="out"/></root>
        </configuration>
        """);
    gateway = GatewayProcess.startWithShippedLogging(Map.of("GATEWAY_HTTP_PORT", "0"),
        "-Dlogback.configurationFile=" + logback);

    assertThat(gateway.awaitStdout(text -> LISTENING.matcher(text).find()))
        .startsWith("custom|INFO|io.inferencegateway.Main|inference-gateway listening on");
  }

  @Test
  void invalidEnvironmentValueNamesTheKeyAndTheVariable() throws Exception {
    gateway = GatewayProcess.start(Map.of("GATEWAY_MODELS_2_INSTANCES", "0"));

    assertThat(gateway.awaitExit()).isEqualTo(2);
    assertThat(gateway.stderr()).singleElement().asString()
        .startsWith("inference-gateway: invalid configuration: conf/gateway.json: ")
        .endsWith("models[2].instances: must be an integer from 1 to 64, got 0 "
            + "(set by GATEWAY_MODELS_2_INSTANCES)");
    assertNoStackTrace();
  }

  @Test
  void portAlreadyInUseExitsWithOneLineOnStderr() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      gateway = GatewayProcess.start(
          Map.of("GATEWAY_HTTP_PORT", Integer.toString(taken.getLocalPort())));

      assertThat(gateway.awaitExit()).isEqualTo(1);
    }
    assertThat(gateway.stderr()).singleElement().asString()
        .startsWith("inference-gateway: failed to start:");
    assertNoStackTrace();
  }

  @Test
  void portZeroLogsTheChosenPortAndServesHealth() throws Exception {
    gateway = GatewayProcess.start(Map.of("GATEWAY_HTTP_PORT", "0"));

    String line = gateway.awaitStdout(text -> LISTENING.matcher(text).find());
    assertThat(line).contains("with 5 models");
    int port = listeningPort(line);
    assertThat(port).isPositive().isNotEqualTo(8080);
    int management = gateway.managementPort();
    assertThat(management).isPositive().isNotEqualTo(8081).isNotEqualTo(port);
    assertThat(awaitStatus(management, "/health", 200)).isEqualTo(200);
    assertThat(get(port, "/v2/health/live")).isEqualTo(200);
    assertThat(gateway.stdout()).as("no access lines by default")
        .noneMatch(text -> text.contains("/v2/health/live"));
  }

  @Test
  void nettyBuffersArePooledUnlessTheCommandLineChoosesAnotherAllocator() throws Exception {
    assertThat(allocatorOfAGatewayStartedWith()).isEqualTo("PooledByteBufAllocator");
    assertThat(allocatorOfAGatewayStartedWith("-Dio.netty.allocator.type=adaptive"))
        .isEqualTo("AdaptiveByteBufAllocator");
  }

  @Test
  void terminationShutsDownGracefully() throws Exception {
    gateway = GatewayProcess.start(Map.of("GATEWAY_HTTP_PORT", "0"));
    gateway.awaitStdout(text -> LISTENING.matcher(text).find());

    gateway.terminate();

    gateway.awaitExit();
    assertThat(gateway.stdout()).anyMatch(text -> text.contains("Shutting down"));
    assertNoStackTrace();
  }

  @Test
  void missingModelFileLeavesTheOtherModelsServing() throws Exception {
    Path absent = dir.resolve("ghost/1/model.onnx");
    JsonObject config = config(model("ghost", absent), model("mlp", MLP_MODEL));
    gateway = GatewayProcess.start(Map.of(
        "GATEWAY_CONFIG", write(config).toString(),
        "GATEWAY_HTTP_PORT", "0"));

    int port = listeningPort(gateway.awaitStdout(text -> LISTENING.matcher(text).find()));
    assertThat(awaitStatus(port, "/v2/models/mlp/ready", 200)).isEqualTo(200);
    assertThat(get(gateway.managementPort(), "/health")).isEqualTo(503);
    assertThat(get(port, "/v2/models/ghost/ready")).isEqualTo(503);
  }

  private void assertNoStackTrace() {
    List<String> output = new ArrayList<>(gateway.stdout());
    output.addAll(gateway.stderr());
    assertThat(output).noneMatch(text -> text.contains("\tat ")
        || text.contains("Exception in thread"));
  }

  /** The buffer allocator a gateway's metrics report, the gateway started and stopped for it. */
  private String allocatorOfAGatewayStartedWith(String... jvmOptions) throws Exception {
    gateway = GatewayProcess.start(Map.of("GATEWAY_CONFIG",
        write(config(model("mlp", MLP_MODEL))).toString(), "GATEWAY_HTTP_PORT", "0"), jvmOptions);
    gateway.awaitStdout(text -> LISTENING.matcher(text).find());
    // HTTP/1.1: the client's upgrade to HTTP/2 in clear text can stall a large body, and the
    // request's timeout covers only the headers; the whole answer is awaited with a limit.
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.managementPort() + "/metrics"))
        .version(HttpClient.Version.HTTP_1_1)
        .timeout(Duration.ofSeconds(5))
        .build();
    String metrics = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .get(10, TimeUnit.SECONDS).body();
    gateway.stop();
    Matcher allocator = Pattern.compile(
        "netty_allocator_memory_used\\{allocator_type=\"(\\w+)\",[^}]*memory_type=\"direct\"}")
        .matcher(metrics);
    assertThat(allocator.find()).as("the allocator's direct memory in\n%s", metrics).isTrue();
    return allocator.group(1);
  }

  private Path write(JsonObject config) throws IOException {
    return Files.writeString(dir.resolve("gateway.json"), config.encodePrettily());
  }

  private static JsonObject config(JsonObject... models) {
    return new JsonObject().put("models", new JsonArray(List.of((Object[]) models)));
  }

  private static JsonObject model(String name, Path path) {
    return new JsonObject().put("name", name).put("path", path.toString());
  }

  private static int listeningPort(String line) {
    Matcher matcher = LISTENING.matcher(line);
    assertThat(matcher.find()).as("port in %s", line).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  /** Polls until the path answers {@code expected} or the deadline passes; the last status. */
  private int awaitStatus(int port, String path, int expected) throws InterruptedException {
    Instant deadline = Instant.now().plus(START_WITHIN);
    int status = -1;
    while (Instant.now().isBefore(deadline)) {
      try {
        status = get(port, path);
      } catch (IOException e) {
        status = -1;
      }
      if (status == expected) {
        break;
      }
      Thread.sleep(100);
    }
    return status;
  }

  private int get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
