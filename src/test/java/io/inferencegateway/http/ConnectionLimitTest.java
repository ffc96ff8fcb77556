package io.inferencegateway.http;

import static io.inferencegateway.support.Http.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("A connection beyond http.maxConnections is answered 503 and closed; freed places reopen")
class ConnectionLimitTest {

  private static final int LIMIT = 5;
  private static final byte[] LIVE = "GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo(json -> json.getJsonObject("http")
      .put("maxConnections", LIMIT));

  @Test
  void oneConnectionTooManyIsRefusedAndTheLimitCountsOnlyOpenOnes() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      // Each held connection answers a request first: the gateway has counted it before the
      // next one opens (connections are set up on several event loops, in no fixed order).
      for (int i = 0; i < LIMIT; i++) {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        held.add(socket);
        socket.setSoTimeout(5000);
        socket.getOutputStream().write(LIVE);
        assertThat(new String(socket.getInputStream().readNBytes(12),
            StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
      }
      try (Socket extra = new Socket("127.0.0.1", gateway.port())) {
        extra.setSoTimeout(5000);
        extra.getOutputStream().write(LIVE);
        String answer = new String(extra.getInputStream().readAllBytes(),
            StandardCharsets.ISO_8859_1);
        assertThat(answer).as("answered, then closed by the gateway").startsWith("HTTP/1.1 503")
            .contains("at most " + LIMIT + " connections");
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    // The closed sockets give their places back once the gateway has seen them go.
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
      try {
        status = send(gateway, "/v2/models/mlp/infer", new JsonObject("{\"inputs\":[{\"name\":"
            + "\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,"
            + "10,11,12,13,14,15,16]}]}").toBuffer()).statusCode();
      } catch (Exception e) {
        Thread.sleep(100);
      }
    }
    assertThat(status).isEqualTo(200);
  }
}
