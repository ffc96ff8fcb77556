package io.inferencegateway.model;

import java.util.List;
import java.util.Map;

/**
 * Named-feature instances, each a map from feature name to value, checked against the model; with
 * the arrival time and deadline as in {@link InferRequest}.
 */
public record PredictRequest(List<Map<String, Double>> instances, long arrivalNanos,
    long deadlineNanos) {
}
