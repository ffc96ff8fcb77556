package io.inferencegateway.loadtest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes an Open Inference Protocol infer body for a model from its metadata
 * ({@code GET <url>/v2/models/<model>}): its single FP32 input, the dynamic batch dimension set to
 * {@code rows}, the values of {@link BenchInputs}.
 *
 * <p>Usage: {@code PayloadGen <gateway url> <model> <rows> <output file>}
 */
public final class PayloadGen {

  private PayloadGen() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: PayloadGen <gateway url> <model> <rows> <output file>");
      System.exit(2);
    }
    String url = args[0];
    String model = args[1];
    int rows = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);

    HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create(url + "/v2/models/" + model))
            .timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("metadata of " + model + ": HTTP " + response.statusCode()
          + " " + response.body());
    }
    JsonArray inputs = new JsonObject(response.body()).getJsonArray("inputs");
    if (inputs == null || inputs.size() != 1
        || !"FP32".equals(inputs.getJsonObject(0).getString("datatype"))) {
      throw new IllegalStateException("the benchmark takes models with one FP32 input; " + model
          + " has " + inputs);
    }
    JsonObject input = inputs.getJsonObject(0);
    JsonArray shape = new JsonArray();
    int count = 1;
    for (Object dim : input.getJsonArray("shape")) {
      int size = ((Number) dim).intValue() < 0 ? rows : ((Number) dim).intValue();
      shape.add(size);
      count *= size;
    }
    JsonArray data = new JsonArray();
    for (double value : BenchInputs.values(model, count)) {
      data.add(value);
    }
    JsonObject body = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", input.getString("name")).put("datatype", "FP32")
        .put("shape", shape).put("data", data)));
    Files.writeString(out, body.encode(), StandardCharsets.UTF_8);
    System.out.println("payload " + model + " rows=" + rows + " shape=" + shape + " -> " + out
        + " (" + Files.size(out) + " bytes)");
  }
}
