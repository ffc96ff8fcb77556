package io.inferencegateway.model;

import java.util.List;

/**
 * An inference request as the HTTP verticle hands it to a model: structurally valid tensors, the
 * requested output names (empty for all), when it arrived and the deadline after which nobody
 * waits for the answer any more, both in {@link System#nanoTime()} terms.
 */
public record InferRequest(List<Tensor> inputs, List<String> outputs, long arrivalNanos,
    long deadlineNanos) {
}
