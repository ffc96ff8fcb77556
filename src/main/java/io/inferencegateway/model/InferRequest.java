package io.inferencegateway.model;

import java.util.List;

/**
 * An inference request as the HTTP verticle hands it to a model: structurally valid tensors, the
 * requested output names (empty for all), when it arrived ({@link System#nanoTime()}, for the
 * queue-wait metric) and the wall-clock deadline after which nobody waits for the answer any more.
 */
public record InferRequest(List<Tensor> inputs, List<String> outputs, long arrivalNanos,
    long deadlineMillis) {
}
