package io.inferencegateway.model;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.Optional;

/**
 * Open Inference Protocol tensor datatypes. The gateway carries BOOL, INT32, INT64, FP32 and FP64
 * tensors; the others appear only in model metadata.
 */
public enum DataType {
  BOOL(true),
  UINT8(false),
  UINT16(false),
  UINT32(false),
  UINT64(false),
  INT8(false),
  INT16(false),
  INT32(true),
  INT64(true),
  FP16(false),
  FP32(true),
  FP64(true),
  BF16(false),
  BYTES(false);

  private final boolean carried;

  DataType(boolean carried) {
    this.carried = carried;
  }

  /** Whether requests and responses may hold tensors of this type. */
  public boolean carried() {
    return carried;
  }

  /** The protocol name, or empty when the text names no datatype of the protocol. */
  public static Optional<DataType> fromName(String name) {
    return Arrays.stream(values()).filter(type -> type.name().equals(name)).findFirst();
  }

  /** The protocol datatype of an ONNX Runtime element type, empty when the protocol has none. */
  public static Optional<DataType> fromOnnx(OnnxJavaType type) {
    return Optional.ofNullable(switch (type) {
      case BOOL -> BOOL;
      case UINT8 -> UINT8;
      case INT8 -> INT8;
      case INT16 -> INT16;
      case INT32 -> INT32;
      case INT64 -> INT64;
      case FLOAT16 -> FP16;
      case FLOAT -> FP32;
      case DOUBLE -> FP64;
      case BFLOAT16 -> BF16;
      case STRING -> BYTES;
      default -> null;
    });
  }
}
