package io.inferencegateway.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegateway.support.GatewayExtension;
import io.inferencegateway.support.TestFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository folder scanned every second: what appears is served, what goes is unloaded. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Polling the repository folder loads complete version folders and nothing else")
class RepositoryPollingTest {

  private static final Path MLP = Path.of("conf/models/mlp/1/model.onnx").toAbsolutePath();
  private static final long WAIT_MS = 15_000;
  private static Path folder;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(dir -> {
    folder = dir;
    TestFiles.copy(MLP, dir.resolve("models/mlp/1/model.onnx"));
    return new JsonObject()
        .put("repository", new JsonObject().put("pollSeconds", 1))
        .put("models", new JsonArray().add(new JsonObject().put("name", "mlp")
            .put("path", "models/mlp/1/model.onnx").put("instances", 1)));
  });

  @Test
  @Order(1)
  void aVersionFolderRenamedIntoPlaceIsServedAndAHalfWrittenOneIsNot() throws Exception {
    // Half-written: a numbered folder whose file is still under its temporary name.
    TestFiles.copy(MLP, folder.resolve("models/mlp/3/model.onnx.part"));
    TestFiles.copy(MLP, folder.resolve("models/mlp/.2.incoming/model.onnx"));
    Thread.sleep(2500);
    assertThat(versions("mlp")).as("nothing complete is newer").containsExactly("1");

    Files.move(folder.resolve("models/mlp/.2.incoming"), folder.resolve("models/mlp/2"));
    await(() -> versions("mlp").contains("2"));
    assertThat(infer("mlp").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void aNewModelFolderIsServedAndARemovedOneIsUnloaded() throws Exception {
    TestFiles.copy(MLP, folder.resolve("models/.extra/1/model.onnx"));
    Files.move(folder.resolve("models/.extra"), folder.resolve("models/extra"));
    await(() -> infer("extra").statusCode() == 200);

    TestFiles.delete(folder.resolve("models/extra"));
    await(() -> infer("extra").statusCode() == 404);
    assertThat(infer("mlp").statusCode()).isEqualTo(200);
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!check.holds()) {
      assertThat(System.nanoTime()).as("within %d ms", WAIT_MS).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static JsonArray versions(String model) throws Exception {
    HttpResponse<Buffer> response = gateway.client().get("/v2/models/" + model).send()
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return response.statusCode() == 200 ? response.bodyAsJsonObject().getJsonArray("versions")
        : new JsonArray();
  }

  private static HttpResponse<Buffer> infer(String model) throws Exception {
    return gateway.client().post("/v2/models/" + model + "/infer")
        .sendBuffer(Buffer.buffer("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
            + "\"shape\":[1,16],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
