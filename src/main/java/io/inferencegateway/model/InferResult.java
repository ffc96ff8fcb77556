package io.inferencegateway.model;

import java.util.List;

/** The output tensors of one inference, in the order the model declares them. */
public record InferResult(List<Tensor> outputs) {
}
