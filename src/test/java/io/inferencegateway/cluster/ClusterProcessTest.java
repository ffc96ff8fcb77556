package io.inferencegateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayProcess;
import io.inferencegateway.support.SlowModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A gateway node and two workers as separate JVMs joined over Hazelcast on loopback, driven
 * through one story: requests spread over the workers; a worker killed under load loses no
 * request; the last replica killed turns health DOWN and requests answer 503 at once; a worker
 * that rejoins brings the model back; a worker drained by SIGTERM under load loses nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("A gateway node routes to worker JVMs and survives their death and drain")
class ClusterProcessTest {

  private static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}";
  private static final String RUNS =
      "gateway_inference_duration_seconds_count\\{[^}]*model=\"%s\"[^}]*} (\\S+)";
  /** Rows of the slow model that keep a worker busy for seconds, long after clients give up. */
  private static final int BLOCKER_ROWS = 3000;
  private static final int FAILURE_SECONDS = 3;
  private static final String ADMIN_TOKEN = "cluster-test-token";
  private static final long HEALTH_TIMEOUT_MS = 1000;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<GatewayProcess> processes = new ArrayList<>();
  private int[] memberPorts;
  private JsonObject slowModel;
  private GatewayProcess gateway;
  private int port;
  private int gatewayManagement;
  private Node first;
  private Node second;

  private record Node(GatewayProcess process, int management) {
  }

  @BeforeAll
  void startCluster() throws Exception {
    memberPorts = new int[] {freePort(), freePort(), freePort()};
    slowModel = SlowModel.writeTo(Files.createTempDirectory("cluster-test"));
    gateway = start("gateway", memberPorts[0]);
    first = worker(memberPorts[1]);
    second = worker(memberPorts[2]);
    port = gateway.port();
    gatewayManagement = gateway.managementPort();
    awaitStatus(gatewayManagement, "/health/ready", 200, Duration.ofSeconds(60));
    awaitReplicas(2, Duration.ofSeconds(30));
  }

  @AfterAll
  void stopAll() throws InterruptedException {
    for (GatewayProcess process : processes) {
      process.kill();
    }
  }

  @Test
  @Order(1)
  void requestsSpreadOverTheWorkers() throws Exception {
    double firstBefore = runs(first, "mlp");
    double secondBefore = runs(second, "mlp");
    for (int i = 0; i < 100; i++) {
      assertThat(infer().statusCode()).isEqualTo(200);
    }
    double firstRuns = runs(first, "mlp") - firstBefore;
    double secondRuns = runs(second, "mlp") - secondBefore;
    System.out.printf("100 requests: %.0f ran on the first worker, %.0f on the second%n",
        firstRuns, secondRuns);
    assertThat(firstRuns + secondRuns).isEqualTo(100);
    assertThat(firstRuns).isBetween(40.0, 60.0);
  }

  @Test
  @Order(2)
  void workWhoseClientLeftTheGatewayIsNeverRunOnTheWorker() throws Exception {
    double before = runs(first, SlowModel.NAME) + runs(second, SlowModel.NAME);
    HttpRequest.BodyPublisher blocker = HttpRequest.BodyPublishers.ofString(
        SlowModel.body(BLOCKER_ROWS).toString());
    // One blocker for each worker, in the gateway's turn; then clients that give up.
    List<CompletableFuture<HttpResponse<String>>> blockers = List.of(
        http.sendAsync(slow(blocker, Duration.ofSeconds(30)), HttpResponse.BodyHandlers.ofString()),
        http.sendAsync(slow(blocker, Duration.ofSeconds(30)), HttpResponse.BodyHandlers.ofString()));
    awaitRunning(first);
    awaitRunning(second);
    List<CompletableFuture<HttpResponse<String>>> abandoned = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      abandoned.add(http.sendAsync(slow(HttpRequest.BodyPublishers.ofString(
          SlowModel.body(1).toString()), Duration.ofMillis(300)),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> gaveUp : abandoned) {
      assertThat(gaveUp).failsWithin(Duration.ofSeconds(5));
    }
    for (CompletableFuture<HttpResponse<String>> done : blockers) {
      assertThat(done.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    long asked = System.nanoTime();
    assertThat(http.send(slow(HttpRequest.BodyPublishers.ofString(SlowModel.body(1).toString()),
        Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    long freshMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
    double ran = runs(first, SlowModel.NAME) + runs(second, SlowModel.NAME) - before;
    System.out.printf("2 blockers and 8 abandoning clients on the slow model: %.0f runs on the "
        + "workers; a fresh request afterwards answered in %d ms%n", ran, freshMs);
    assertThat(ran).as("runs: the blockers and the fresh request only").isEqualTo(3);
  }

  @Test
  @Order(3)
  void aModelUnloadedFromOneWorkerUnderLoadLosesNoRequestAndLoadsBack() throws Exception {
    Load load = new Load(8);
    Thread.sleep(500);
    HttpResponse<String> unloaded = repository(first, "unload");
    Thread.sleep(500);
    Map<String, Integer> outcomes = load.stop();
    System.out.printf("mlp unloaded from one worker under load: %s; unload answered %d%n",
        outcomes, unloaded.statusCode());
    assertThat(unloaded.statusCode()).isEqualTo(200);
    assertThat(outcomes).containsOnlyKeys("200");
    awaitReplicas("mlp", 1, Duration.ofSeconds(10));
    assertThat(repository(first, "load").statusCode()).isEqualTo(200);
    awaitReplicas(2, Duration.ofSeconds(30));
  }

  @Test
  @Order(4)
  void aWorkerKilledUnderLoadLosesNoRequest() throws Exception {
    Load load = new Load(8);
    Thread.sleep(1500);
    first.process().kill();
    long killedAt = System.nanoTime();
    Thread.sleep(2000);
    Map<String, Integer> outcomes = load.stop();
    System.out.printf("SIGKILL of a worker under load: %s%n", outcomes);
    assertThat(outcomes).containsOnlyKeys("200");
    assertThat(status(gatewayManagement, "/health")).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt)).isLessThan(10);
  }

  @Test
  @Order(5)
  void theLastReplicaKilledTurnsHealthDownAndRequestsAnswer503AtOnce() throws Exception {
    second.process().kill();
    long killedAt = System.nanoTime();
    awaitStatus(gatewayManagement, "/health", 503, Duration.ofSeconds(30));
    long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    long asked = System.nanoTime();
    HttpResponse<String> answer = infer();
    long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
    System.out.printf("Last replica killed: /health 503 after %d ms; a request answered %d in "
        + "%d ms: %s%n", downMs, answer.statusCode(), answeredMs, answer.body());
    assertThat(downMs).isLessThan(TimeUnit.SECONDS.toMillis(FAILURE_SECONDS)
        + HEALTH_TIMEOUT_MS + 1000);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("\"error\"").contains("mlp");
    assertThat(answeredMs).isLessThan(1000);
    assertThat(status(port, "/v2/health/ready")).isEqualTo(503);
  }

  @Test
  @Order(6)
  void aWorkerThatRejoinsBringsTheModelBack() throws Exception {
    // As a restarted pod does: a new address, joining through the members still listed.
    first = worker(freePort());
    awaitStatus(gatewayManagement, "/health", 200, Duration.ofSeconds(60));
    assertThat(infer().statusCode()).isEqualTo(200);
  }

  @Test
  @Order(7)
  void aWorkerDrainedBySigtermUnderLoadLosesNothing() throws Exception {
    second = worker(freePort());
    awaitReplicas(2, Duration.ofSeconds(60));
    Load load = new Load(8);
    Thread.sleep(1500);
    long termAt = System.nanoTime();
    first.process().terminate();
    int exit = first.process().awaitExit();
    long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
    Thread.sleep(1000);
    Map<String, Integer> outcomes = load.stop();
    System.out.printf("SIGTERM of a worker under load: %s; it exited %d after %d ms%n", outcomes,
        exit, exitMs);
    assertThat(outcomes).containsOnlyKeys("200");
    assertThat(exit).isIn(0, 143);
    // It announced that it leaves, and waited for the gateways to hear it, before it stopped.
    assertThat(exitMs).isGreaterThanOrEqualTo(1000);
  }

  /** Clients sending requests back to back until stopped; answers counted by status. */
  private final class Load {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    private final List<Thread> clients = new ArrayList<>();

    Load(int clients) {
      for (int i = 0; i < clients; i++) {
        Thread client = new Thread(() -> {
          while (running.get()) {
            String outcome;
            try {
              outcome = String.valueOf(infer().statusCode());
            } catch (IOException e) {
              outcome = e.toString();
            } catch (InterruptedException e) {
              return;
            }
            outcomes.merge(outcome, 1, Integer::sum);
          }
        }, "load");
        client.setDaemon(true);
        client.start();
        this.clients.add(client);
      }
    }

    Map<String, Integer> stop() throws InterruptedException {
      running.set(false);
      for (Thread client : clients) {
        client.join(15_000);
      }
      return new HashMap<>(outcomes);
    }
  }

  private HttpResponse<String> repository(Node node, String action)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.management()
                + "/v2/repository/models/mlp/" + action))
            .timeout(Duration.ofSeconds(30))
            .header("authorization", "Bearer " + ADMIN_TOKEN)
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until the worker runs a request of the slow model. */
  private void awaitRunning(Node node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      for (Object check : new JsonObject(get(node.management(), "/health").body())
          .getJsonArray("checks")) {
        JsonObject procedure = (JsonObject) check;
        if (procedure.getString("id").equals(SlowModel.NAME)
            && procedure.getJsonObject("data").getInteger("running", 0) > 0) {
          return;
        }
      }
      assertThat(System.nanoTime()).as("a blocker running within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private HttpRequest slow(HttpRequest.BodyPublisher body, Duration timeout) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/"
            + SlowModel.NAME + "/infer"))
        .timeout(timeout)
        .header("content-type", "application/json")
        .POST(body).build();
  }

  private HttpResponse<String> infer() throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v2/models/mlp/infer"))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Node worker(int memberPort) throws Exception {
    GatewayProcess process = start("worker", memberPort);
    int management = process.managementPort();
    awaitStatus(management, "/health/ready", 200, Duration.ofSeconds(60));
    return new Node(process, management);
  }

  private GatewayProcess start(String role, int memberPort) throws IOException {
    StringBuilder members = new StringBuilder("[");
    for (int member : memberPorts) {
      members.append(members.length() > 1 ? "," : "").append("\"127.0.0.1:").append(member)
          .append('"');
    }
    Map<String, String> env = new HashMap<>(Map.of(
        "GATEWAY_CLUSTER_ROLE", role,
        "GATEWAY_CLUSTER_HOST", "127.0.0.1",
        "GATEWAY_CLUSTER_PORT", Integer.toString(memberPort),
        "GATEWAY_CLUSTER_MEMBERS", members.append(']').toString(),
        "GATEWAY_CLUSTER_FAILURE_SECONDS", Integer.toString(FAILURE_SECONDS),
        "GATEWAY_HEALTH_TIMEOUT_MS", Long.toString(HEALTH_TIMEOUT_MS),
        "GATEWAY_HTTP_PORT", "0"));
    if (role.equals("worker")) {
      env.put("GATEWAY_MANAGEMENT_REPOSITORY_API", "true");
      env.put("GATEWAY_ADMIN_TOKEN", ADMIN_TOKEN);
      env.put("GATEWAY_MODELS", new JsonArray()
          .add(new JsonObject().put("name", "mlp").put("instances", 1)
              .put("path", Path.of("conf/models/mlp/1/model.onnx").toAbsolutePath().toString()))
          .add(slowModel).encode());
    }
    GatewayProcess process = GatewayProcess.start(env);
    processes.add(process);
    return process;
  }

  /** Waits until the gateway's health lists {@code count} ready replicas of every model. */
  private void awaitReplicas(int count, Duration within) throws Exception {
    awaitReplicas(null, count, within);
  }

  /** As above, for one model when {@code model} is not null. */
  private void awaitReplicas(String model, int count, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String health = get(gatewayManagement, "/health").body();
      if (readyReplicas(new JsonObject(health), model).stream()
          .allMatch(ready -> ready == count)) {
        return;
      }
      assertThat(System.nanoTime()).as("%d replicas within %s: %s", count, within, health)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Each model's (or the one model's) count of READY replicas in a health answer. */
  private static List<Long> readyReplicas(JsonObject health, String model) {
    List<Long> counts = new ArrayList<>();
    for (Object check : health.getJsonArray("checks", new JsonArray())) {
      if (model != null && !model.equals(((JsonObject) check).getString("id"))) {
        continue;
      }
      JsonArray replicas = ((JsonObject) check).getJsonObject("data", new JsonObject())
          .getJsonArray("replicas");
      if (replicas != null) {
        counts.add(replicas.stream()
            .filter(replica -> "READY".equals(((JsonObject) replica).getString("state")))
            .count());
      }
    }
    return counts.isEmpty() ? List.of(-1L) : counts;
  }

  /** How many runs of the model the worker has timed. */
  private double runs(Node node, String model) throws Exception {
    Matcher matcher = Pattern.compile(String.format(RUNS, model))
        .matcher(get(node.management(), "/metrics").body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private void awaitStatus(int port, String path, int expected, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (status(port, path) != expected) {
      assertThat(System.nanoTime()).as("%s answers %d within %s", path, expected, within)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private int status(int port, String path) throws InterruptedException {
    try {
      return get(port, path).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
