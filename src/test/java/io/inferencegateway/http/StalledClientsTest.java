package io.inferencegateway.http;

import static io.inferencegateway.support.Http.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Stalled clients are cut off at their timeouts and never lock a model out")
class StalledClientsTest {

  private static final long TIMEOUT_MS = 1000;
  /** Generous: the figure is printed, the bound only catches a timeout that never fires. */
  private static final long WITHIN_MS = TIMEOUT_MS + 4000;
  private static final String MLP = "/v2/models/mlp/infer";
  private static final String VALID = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo(json -> json.getJsonObject("http")
      .put("headerTimeoutMs", TIMEOUT_MS).put("bodyTimeoutMs", TIMEOUT_MS));

  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  @Test
  void connectionsThatSendNothingOrHalfTheirHeadersAreClosed() throws Exception {
    List<Socket> silent = open(10, "");
    List<Socket> halfHeaders = open(10, "POST " + MLP + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    long start = System.nanoTime();

    assertValidRequestsAnswer();
    long slowest = 0;
    for (Socket socket : concat(silent, halfHeaders)) {
      assertThat(readAll(socket)).as("nothing is answered to a request never sent").isEmpty();
      slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
    }
    System.out.printf("stalled headers: 20 connections closed, the last after %d ms "
        + "(headerTimeoutMs %d)%n", slowest, TIMEOUT_MS);
    assertThat(slowest).isLessThan(WITHIN_MS);
  }

  @Test
  void bodiesThatStopArrivingGet408AndHoldNoQueuePlace() throws Exception {
    // More than the 64 places of the model's queue: if a stalled body held one, valid requests
    // would be refused as overloaded.
    List<Socket> stalled = open(80, "POST " + MLP + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"inputs\":");
    long start = System.nanoTime();

    assertValidRequestsAnswer();
    long slowest = 0;
    for (Socket socket : stalled) {
      String answer = readAll(socket);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("did not arrive within");
      slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
    }
    System.out.printf("stalled bodies: 80 answered 408 and closed, the last after %d ms "
        + "(bodyTimeoutMs %d)%n", slowest, TIMEOUT_MS);
    assertThat(slowest).isLessThan(WITHIN_MS);
    assertValidRequestsAnswer();
  }

  private void assertValidRequestsAnswer() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<Buffer> response = send(gateway, MLP, new JsonObject(VALID).toBuffer());
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }
  }

  private List<Socket> open(int count, String prefix) throws IOException {
    List<Socket> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket("127.0.0.1", gateway.port());
      socket.setSoTimeout((int) WITHIN_MS);
      socket.getOutputStream().write(prefix.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      sockets.add(socket);
      opened.add(socket);
    }
    return opened;
  }

  /** Everything the server sends until it closes the connection; fails if it never does. */
  private static String readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was still open after " + WITHIN_MS + " ms", e);
    }
  }

  private static List<Socket> concat(List<Socket> a, List<Socket> b) {
    List<Socket> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
