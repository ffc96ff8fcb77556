package io.inferencegateway.model;

import java.util.List;
import java.util.Map;

/**
 * Named-feature instances, each a map from feature name to value, checked against the model; with
 * its arrival, deadline and cancellation as in {@link InferRequest}.
 */
public record PredictRequest(String requestId, List<Map<String, Double>> instances,
    long arrivalNanos, long deadlineNanos, Cancellation cancellation) implements ModelRequest {
}
