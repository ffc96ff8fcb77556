package io.inferencegateway.model;

import java.util.List;

/**
 * An inference request as the HTTP verticle hands it to a model: structurally valid tensors, the
 * requested output names (empty for all), and its arrival, deadline and cancellation.
 */
public record InferRequest(String requestId, List<Tensor> inputs, List<String> outputs,
    long arrivalNanos, long deadlineNanos, Cancellation cancellation) implements ModelRequest {
}
