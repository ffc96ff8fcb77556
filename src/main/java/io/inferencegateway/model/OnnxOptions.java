package io.inferencegateway.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferencegateway.config.OnnxConfig;

/** ONNX Runtime session options from a model's configuration. */
final class OnnxOptions {

  private OnnxOptions() {
  }

  /** New options; the caller closes them, or hands them to an owner that does. */
  static OrtSession.SessionOptions of(OnnxConfig config) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(config.intraOpThreads());
      options.setInterOpNumThreads(config.interOpThreads());
      options.setExecutionMode(switch (config.executionMode()) {
        case SEQUENTIAL -> OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL;
        case PARALLEL -> OrtSession.SessionOptions.ExecutionMode.PARALLEL;
      });
      options.setOptimizationLevel(switch (config.optimizationLevel()) {
        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
        case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
        case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
      });
      options.addConfigEntry("session.intra_op.allow_spinning",
          config.allowSpinning() ? "1" : "0");
      options.addConfigEntry("session.inter_op.allow_spinning",
          config.allowSpinning() ? "1" : "0");
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }
}
