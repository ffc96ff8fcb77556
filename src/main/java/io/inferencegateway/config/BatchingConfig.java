package io.inferencegateway.config;

/**
 * Dynamic batching of one model, with Triton's meaning: requests waiting for the model whose
 * inputs agree on every dimension but the first are joined along it, run once and split back.
 * {@code enabled} absent means on when every input and output of the model has a dynamic first
 * dimension; {@code maxQueueDelayMicros} 0 takes what is already waiting and never waits for more.
 */
public record BatchingConfig(Boolean enabled, Integer maxBatchSize, Long maxQueueDelayMicros) {

  public BatchingConfig {
    maxBatchSize = Rules.between("maxBatchSize", maxBatchSize, 64, 1, 1_000_000);
    maxQueueDelayMicros = Rules.between("maxQueueDelayMicros", maxQueueDelayMicros, 0, 0,
        10_000_000);
  }
}
