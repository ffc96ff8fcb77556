package io.inferencegateway.http;

import static io.inferencegateway.support.Http.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Connections beyond http.maxConnections are closed at once, and freed places reopen")
class ConnectionLimitTest {

  private static final int LIMIT = 5;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.demo(json -> json.getJsonObject("http")
      .put("maxConnections", LIMIT));

  @Test
  void oneConnectionTooManyIsClosedAndTheLimitCountsOnlyOpenOnes() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < LIMIT; i++) {
        held.add(new Socket("127.0.0.1", gateway.port()));
      }
      try (Socket extra = new Socket("127.0.0.1", gateway.port())) {
        extra.setSoTimeout(5000);
        assertThat(extra.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
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
