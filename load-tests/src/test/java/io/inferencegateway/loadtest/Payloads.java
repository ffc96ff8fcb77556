package io.inferencegateway.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Request bodies, made before the load starts so every run sends the same bytes.
 *
 * <p>Open Inference Protocol bodies are generated from the model's own metadata
 * ({@code GET /v2/models/{name}}): one entry per declared input, with its name and datatype, its
 * shape with each dynamic dimension ({@code -1}) set to {@code rows}, and data drawn from a
 * {@link Random} seeded with the model name, so a model always gets the same bodies. Values:
 * FP32/FP64 in [0.1, 7.9] with one decimal (the range of the Iris measurements), INT32/INT64 in
 * [-1000, 1000], BOOL true or false.
 *
 * <p>The metadata does not carry the feature names of the {@code :predict} route, so its bodies are
 * fixed: three rows of Fisher's Iris data (one per species), with the features each demo model
 * takes.
 */
final class Payloads {

  /** Distinct bodies per model; requests cycle through them. */
  static final int VARIANTS = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fisher's Iris data, rows 1, 51 and 101: setosa, versicolor, virginica. */
  private static final List<Map<String, Double>> IRIS_ROWS = List.of(
      Map.of("sepal_length", 5.1, "sepal_width", 3.5, "petal_length", 1.4, "petal_width", 0.2),
      Map.of("sepal_length", 7.0, "sepal_width", 3.2, "petal_length", 4.7, "petal_width", 1.4),
      Map.of("sepal_length", 6.3, "sepal_width", 3.3, "petal_length", 6.0, "petal_width", 2.5));

  /** The features each demo model's {@code :predict} mapping takes (conf/gateway.json). */
  private static final Map<String, List<String>> PREDICT_FEATURES = Map.of(
      "iris-classifier", List.of("petal_length", "petal_width", "sepal_length", "sepal_width"),
      "iris-regressor", List.of("petal_length", "sepal_length", "sepal_width"));

  private Payloads() {
  }

  /** OIP infer bodies for {@code model}, generated from its metadata at {@code baseUrl}. */
  static List<String> inferBodies(String baseUrl, String model, int rows) {
    JsonNode metadata = metadata(baseUrl, model);
    Random random = new Random(model.hashCode());
    List<String> bodies = new ArrayList<>();
    for (int v = 0; v < VARIANTS; v++) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode inputs = body.putArray("inputs");
      for (JsonNode input : metadata.path("inputs")) {
        inputs.add(tensor(model, input, rows, random));
      }
      bodies.add(body.toString());
    }
    return bodies;
  }

  /** {@code :predict} bodies for a demo model: one Iris row each, cycling through the species. */
  static List<String> predictBodies(String model) {
    List<String> features = PREDICT_FEATURES.get(model);
    if (features == null) {
      throw new IllegalArgumentException("no fixed :predict instances for model '" + model
          + "'; known: " + PREDICT_FEATURES.keySet());
    }
    List<String> bodies = new ArrayList<>();
    for (Map<String, Double> row : IRIS_ROWS) {
      ObjectNode body = JSON.createObjectNode();
      ObjectNode instance = body.putArray("instances").addObject();
      for (String feature : features) {
        instance.put(feature, row.get(feature));
      }
      bodies.add(body.toString());
    }
    return bodies;
  }

  private static ObjectNode tensor(String model, JsonNode input, int rows, Random random) {
    String name = input.path("name").asText();
    String datatype = input.path("datatype").asText();
    ObjectNode tensor = JSON.createObjectNode();
    tensor.put("name", name).put("datatype", datatype);
    ArrayNode shape = tensor.putArray("shape");
    long count = 1;
    for (JsonNode dim : input.path("shape")) {
      long size = dim.asLong() < 0 ? rows : dim.asLong();
      shape.add(size);
      count *= size;
    }
    ArrayNode data = tensor.putArray("data");
    for (long i = 0; i < count; i++) {
      switch (datatype) {
        case "FP32", "FP64" -> data.add((1 + random.nextInt(79)) / 10.0);
        case "INT32", "INT64" -> data.add(random.nextInt(2001) - 1000);
        case "BOOL" -> data.add(random.nextBoolean());
        default -> throw new IllegalStateException("model '" + model + "' input '" + name
            + "' has datatype " + datatype + ", which this harness does not generate");
      }
    }
    return tensor;
  }

  private static JsonNode metadata(String baseUrl, String model) {
    URI uri = URI.create(baseUrl + "/v2/models/"
        + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20"));
    HttpClient client = HttpClient.newBuilder()
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the metadata of model '" + model + "' at "
          + uri + " (is the gateway running? set -Dgateway.url): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + uri, e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
          + response.body());
    }
    try {
      JsonNode metadata = JSON.readTree(response.body());
      if (!metadata.path("inputs").isArray() || metadata.path("inputs").isEmpty()) {
        throw new IllegalStateException("GET " + uri + " lists no inputs: " + response.body());
      }
      return metadata;
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + " did not answer JSON: " + response.body(), e);
    }
  }
}
