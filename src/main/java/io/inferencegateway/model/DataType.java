package io.inferencegateway.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Open Inference Protocol tensor datatypes, with the ONNX Runtime element type that carries each.
 * ONNX Runtime's Java API has no unsigned types wider than a byte, so UINT16, UINT32 and UINT64
 * appear only in model metadata.
 */
public enum DataType {
  BOOL(OnnxJavaType.BOOL, 1),
  UINT8(OnnxJavaType.UINT8, 1),
  UINT16(null, 2),
  UINT32(null, 4),
  UINT64(null, 8),
  INT8(OnnxJavaType.INT8, 1),
  INT16(OnnxJavaType.INT16, 2),
  INT32(OnnxJavaType.INT32, 4),
  INT64(OnnxJavaType.INT64, 8),
  FP16(OnnxJavaType.FLOAT16, 2),
  FP32(OnnxJavaType.FLOAT, 4),
  FP64(OnnxJavaType.DOUBLE, 8),
  BF16(OnnxJavaType.BFLOAT16, 2),
  BYTES(OnnxJavaType.STRING, 0);

  /** The carried datatypes, as error messages list them. */
  public static final String CARRIED = Arrays.stream(values()).filter(DataType::carried)
      .map(DataType::name).collect(Collectors.joining(", "));

  private final OnnxJavaType onnx;
  private final int size;

  DataType(OnnxJavaType onnx, int size) {
    this.onnx = onnx;
    this.size = size;
  }

  /** Whether requests and responses may hold tensors of this type. */
  public boolean carried() {
    return onnx != null;
  }

  /** Bytes per element in the binary encoding; 0 for BYTES, whose elements vary in length. */
  public int size() {
    return size;
  }

  OnnxJavaType onnx() {
    return onnx;
  }

  /**
   * An empty array of the type that holds this datatype's elements: {@code boolean[]} for BOOL,
   * {@code byte[]} for UINT8 and INT8, {@code short[]} for INT16 and for the bits of FP16 and
   * BF16, {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]} for INT32, INT64, FP32,
   * FP64, and {@code String[]} for BYTES.
   */
  public Object newArray(int length) {
    return switch (this) {
      case BOOL -> new boolean[length];
      case UINT8, INT8 -> new byte[length];
      case INT16, FP16, BF16 -> new short[length];
      case INT32 -> new int[length];
      case INT64 -> new long[length];
      case FP32 -> new float[length];
      case FP64 -> new double[length];
      case BYTES -> new String[length];
      default -> throw new IllegalArgumentException("not a carried datatype: " + this);
    };
  }

  /** The protocol name, or empty when the text names no datatype of the protocol. */
  public static Optional<DataType> fromName(String name) {
    for (DataType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The protocol datatype of an ONNX element type, empty when the protocol has none. */
  public static Optional<DataType> fromOnnx(OnnxTensorType type) {
    return Optional.ofNullable(switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> UINT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> UINT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> UINT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> FP16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> FP32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> FP64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> BF16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> BYTES;
      default -> null;
    });
  }
}
