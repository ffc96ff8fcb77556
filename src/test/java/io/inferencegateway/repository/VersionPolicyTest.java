package io.inferencegateway.repository;

import static io.inferencegateway.support.Http.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.TestFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A model served from its repository folder, several versions at once, each with its routes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("A version policy serves several versions, each on its own routes")
class VersionPolicyTest {

  private static final String TOKEN = "policy-token";
  private static final Path MLP = Path.of("conf/models/mlp/1/model.onnx").toAbsolutePath();
  private static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(dir -> {
    for (String version : new String[] {"1", "2", "3"}) {
      TestFiles.copy(MLP, dir.resolve("models/multi/" + version + "/model.onnx"));
    }
    return new JsonObject()
        .put("management", new JsonObject().put("repositoryApi", true))
        .put("models", new JsonArray().add(new JsonObject().put("name", "multi")
            .put("instances", 1).put("versionPolicy", new JsonObject().put("latest", 2))));
  }).withAdminToken(TOKEN);

  @Test
  @Order(1)
  void theLatestTwoVersionsServeEachOnItsRoutesAndTheHighestWithoutOne() throws Exception {
    assertThat(await(gateway.client().get("/v2/models/multi").send()).bodyAsJsonObject()
        .getJsonArray("versions")).containsExactly("2", "3");
    assertThat(infer("/v2/models/multi/versions/2/infer").bodyAsJsonObject()
        .getString("model_version")).isEqualTo("2");
    assertThat(infer("/v2/models/multi/infer").bodyAsJsonObject()
        .getString("model_version")).isEqualTo("3");
    HttpResponse<Buffer> first = infer("/v2/models/multi/versions/1/infer");
    assertThat(first.statusCode()).isEqualTo(404);
    assertThat(first.bodyAsJsonObject().getString("error")).contains("available: 2, 3");
  }

  @Test
  @Order(2)
  void healthListsEveryVersionAndTheIndexHasAnEntryForEach() throws Exception {
    JsonObject check = await(gateway.management().get("/health").send()).bodyAsJsonObject()
        .getJsonArray("checks").getJsonObject(0);
    assertThat(check.getString("status")).isEqualTo("UP");
    assertThat(check.getJsonObject("data").getJsonArray("versions")).hasSize(2);
    JsonArray index = await(gateway.management().post("/v2/repository/index")
        .putHeader("Authorization", "Bearer " + TOKEN).send()).bodyAsJsonArray();
    assertThat(index.stream().map(entry -> ((JsonObject) entry).getString("version")))
        .containsExactly("2", "3");
  }

  @Test
  @Order(3)
  void anotherPolicyServesItsVersionsAndRetiresTheRest() throws Exception {
    HttpResponse<Buffer> load = await(gateway.management()
        .post("/v2/repository/models/multi/load").putHeader("Authorization", "Bearer " + TOKEN)
        .sendJsonObject(new JsonObject().put("parameters", new JsonObject().put("config",
            new JsonObject().put("versionPolicy", new JsonObject()
                .put("specific", new JsonArray().add("1").add("3")))))));

    assertThat(load.statusCode()).as(load.bodyAsString()).isEqualTo(200);
    assertThat(await(gateway.client().get("/v2/models/multi").send()).bodyAsJsonObject()
        .getJsonArray("versions")).containsExactly("1", "3");
    assertThat(infer("/v2/models/multi/versions/1/infer").statusCode()).isEqualTo(200);
    assertThat(infer("/v2/models/multi/versions/2/infer").statusCode()).isEqualTo(404);
  }

  private static HttpResponse<Buffer> infer(String path) throws Exception {
    return await(gateway.client().post(path).sendBuffer(Buffer.buffer(BODY)));
  }
}
