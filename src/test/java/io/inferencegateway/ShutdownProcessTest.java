package io.inferencegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load, as a Kubernetes rollout does it: clients that follow readiness the way an
 * endpoint controller does (they stop sending half a second after it turns 503), some opening a
 * connection per request and some on keep-alive connections, and one connection that never sends
 * anything. No request may be lost, and the exit may not wait for the silent connection.
 */
@DisplayName("SIGTERM drains: readiness 503 first, nothing lost, a silent connection holds nothing")
class ShutdownProcessTest {

  private static final long DRAIN_DELAY_MS = 1500;
  private static final long LAG_MS = 500;
  private static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}";

  private GatewayProcess gateway;

  @AfterEach
  void stopGateway() throws InterruptedException {
    if (gateway != null) {
      gateway.stop();
    }
  }

  @Test
  void readinessFollowingClientsLoseNothingAndTheExitIsPrompt() throws Exception {
    gateway = GatewayProcess.start(Map.of(
        "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_SHUTDOWN_DRAIN_DELAY_MS", Long.toString(DRAIN_DELAY_MS)));
    int port = gateway.port();
    int management = gateway.managementPort();
    HttpClient probes = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    awaitReady(probes, management);

    AtomicLong outOfRotationAt = new AtomicLong(Long.MAX_VALUE);
    AtomicInteger answered = new AtomicInteger();
    Map<String, Integer> lost = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    HttpClient keepAlive = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 8; i++) {
      boolean reuse = i % 2 == 0;
      clients.add(started(() -> {
        while (System.nanoTime() < outOfRotationAt.get()) {
          try {
            int status = reuse ? keepAliveRequest(keepAlive, port) : oneShotRequest(port);
            if (status == 200) {
              answered.incrementAndGet();
            } else {
              lost.merge((reuse ? "keep-alive " : "one-shot ") + status, 1, Integer::sum);
            }
          } catch (IOException | InterruptedException e) {
            lost.merge((reuse ? "keep-alive " : "one-shot ") + e, 1, Integer::sum);
          }
        }
      }));
    }
    // The endpoint controller: polls readiness and takes the gateway out of rotation a lag
    // after it first answers anything but 200.
    Thread controller = started(() -> {
      while (outOfRotationAt.get() == Long.MAX_VALUE) {
        if (status(probes, management, "/health/ready") != 200) {
          outOfRotationAt.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LAG_MS));
        }
        sleep(50);
      }
    });
    try (Socket silent = new Socket("127.0.0.1", port)) {
      sleep(1000);
      int before = answered.get();
      long termAt = System.nanoTime();
      gateway.terminate();
      int exit = gateway.awaitExit();
      long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
      controller.join(5000);
      for (Thread client : clients) {
        client.join(5000);
      }
      System.out.printf("SIGTERM under load: %d answered (%d after SIGTERM), lost %s, exit %d "
          + "after %d ms (drain delay %d ms)%n", answered.get(), answered.get() - before, lost,
          exit, exitMs, DRAIN_DELAY_MS);

      assertThat(lost).as("requests lost").isEmpty();
      assertThat(answered.get() - before).as("answers while draining").isPositive();
      assertThat(exit).isIn(0, 143);
      assertThat(exitMs).as("exit after SIGTERM, in ms")
          .isGreaterThanOrEqualTo(DRAIN_DELAY_MS).isLessThan(DRAIN_DELAY_MS + 5000);
      assertThat(silent.getInputStream().read()).as("the silent connection was closed")
          .isEqualTo(-1);
    }
    assertThat(gateway.stdout()).anyMatch(line -> line.contains("Shutting down"));
  }

  private static void awaitReady(HttpClient client, int management) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (status(client, management, "/health/ready") != 200) {
      assertThat(System.nanoTime()).as("ready within 30 s").isLessThan(deadline);
      sleep(100);
    }
  }

  private static int status(HttpClient client, int port, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int keepAliveRequest(HttpClient client, int port)
      throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/models/mlp/infer"))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** One request on a connection of its own, which the client closes after the answer. */
  private static int oneShotRequest(int port) throws IOException {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!answer.startsWith("HTTP/1.1 ")) {
        throw new IOException("no answer: \"" + answer + "\"");
      }
      return Integer.parseInt(answer.substring(9, 12));
    }
  }

  private static Thread started(Runnable task) {
    Thread thread = new Thread(task, "client");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
