package io.inferencegateway.config;

/**
 * ONNX Runtime settings of one model's sessions. The defaults suit a server that runs several
 * models and many requests at once: one intra-op thread, so each worker thread does its own run's
 * work instead of waking a pool that spins and competes with the event loops for the cores.
 */
public record OnnxConfig(Integer intraOpThreads, Integer interOpThreads,
    ExecutionMode executionMode, OptimizationLevel optimizationLevel, Boolean allowSpinning) {

  /** Whether a session runs a graph's independent nodes one after another or in parallel. */
  public enum ExecutionMode { SEQUENTIAL, PARALLEL }

  /** How far ONNX Runtime rewrites the graph when it loads it. */
  public enum OptimizationLevel { NONE, BASIC, EXTENDED, ALL }

  public OnnxConfig {
    intraOpThreads = Rules.between("intraOpThreads", intraOpThreads, 1, 1, 256);
    interOpThreads = Rules.between("interOpThreads", interOpThreads, 1, 1, 256);
    executionMode = executionMode == null ? ExecutionMode.SEQUENTIAL : executionMode;
    optimizationLevel = optimizationLevel == null ? OptimizationLevel.ALL : optimizationLevel;
    allowSpinning = allowSpinning != null && allowSpinning;
  }
}
