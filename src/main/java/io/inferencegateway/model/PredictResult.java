package io.inferencegateway.model;

import io.vertx.core.json.JsonArray;

/** One prediction per instance, already in the V1 response shape. */
public record PredictResult(JsonArray predictions) {
}
