package io.inferencegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.config.HttpConfig;
import io.inferencegateway.health.Draining;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Whether a request is alone on its event loop, as the scheduler is told: a real server on one
 * event loop, its requests started and ended as the data port does, each answered with what
 * {@link Connections#alone()} said once it had started; "/hold" is never answered.
 */
@DisplayName("Connections know when a request is alone on its event loop, closed connections too")
class ConnectionsTest {

  /** Two requests never answered: one whole, one whose body never ends. */
  private static final byte[][] HOLD = {
      "GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      "POST /hold HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"in"
          .getBytes(StandardCharsets.US_ASCII)};

  private Vertx vertx;
  private int port;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HttpConfig config = new HttpConfig("127.0.0.1", 0, 1, null, null, null, null, null, null);
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Connections connections =
            new Connections(vertx, config, new Draining(), new AtomicInteger());
        return vertx.createHttpServer()
            .connectionHandler(connections::opened)
            .requestHandler(request -> {
              Exchange exchange = new Exchange(request, "test", System.nanoTime());
              connections.started(exchange);
              Runnable ended = () -> {
                if (!exchange.ended) {
                  exchange.ended = true;
                  connections.ended(exchange);
                }
              };
              exchange.response.endHandler(answered -> ended.run());
              exchange.response.exceptionHandler(closed -> ended.run());
              if (!request.path().equals("/hold")) {
                exchange.response.end(String.valueOf(connections.alone()));
              }
            })
            .listen(0, "127.0.0.1")
            .onSuccess(server -> port = server.actualPort());
      }
    }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aRequestIsAloneUnlessAnotherIsInFlightAndAClosedConnectionLeavesNoCount()
      throws Exception {
    assertThat(alone()).as("the only request").isTrue();
    for (int round = 0; round < 4; round++) {
      try (Socket held = new Socket("127.0.0.1", port)) {
        held.getOutputStream().write(HOLD[round % HOLD.length]);
        assertThat(eventually(false)).as("round %s: a request is held on another connection",
            round).isFalse();
      }
      assertThat(eventually(true)).as("round %s: the held request's connection has closed",
          round).isTrue();
    }
  }

  /** Asks until the answer is {@code expected}, for at most five seconds; the last answer. */
  private boolean eventually(boolean expected) throws Exception {
    boolean answer = !expected;
    for (int attempt = 0; attempt < 100 && answer != expected; attempt++) {
      Thread.sleep(50);
      answer = alone();
    }
    return answer;
  }

  private boolean alone() throws Exception {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ask"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return Boolean.parseBoolean(response.body());
  }
}
