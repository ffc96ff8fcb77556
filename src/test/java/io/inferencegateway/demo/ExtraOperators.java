package io.inferencegateway.demo;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * Standard ONNX operators that Tribuo's {@link org.tribuo.util.onnx.ONNXOperators} enum (4.3.2) lacks,
 * so that graphs built with {@link org.tribuo.util.onnx.ONNXContext} can use them.
 */
enum ExtraOperators implements ONNXOperator {

  /** Relu: element-wise max(x, 0); one input, one output, no attributes. */
  RELU("Relu", 1, 1);

  /** The opset the demo models import; the version of an op is the opset's, not the node's. */
  static final int OPSET_VERSION = 13;

  private final String opName;
  private final int numInputs;
  private final int numOutputs;

  ExtraOperators(String opName, int numInputs, int numOutputs) {
    this.opName = opName;
    this.numInputs = numInputs;
    this.numOutputs = numOutputs;
  }

  @Override
  public String getOpName() {
    return opName;
  }

  @Override
  public int getNumInputs() {
    return numInputs;
  }

  @Override
  public int getNumOptionalInputs() {
    return 0;
  }

  @Override
  public int getNumOutputs() {
    return numOutputs;
  }

  @Override
  public Map<String, ONNXAttribute> getAttributes() {
    return Collections.emptyMap();
  }

  @Override
  public Set<String> getMandatoryAttributeNames() {
    return Collections.emptySet();
  }

  @Override
  public int getOpVersion() {
    return OPSET_VERSION;
  }

  /** The default ONNX domain, written as the empty string in an opset import. */
  @Override
  public String getOpDomain() {
    return "";
  }
}
