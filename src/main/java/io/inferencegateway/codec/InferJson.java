package io.inferencegateway.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencegateway.model.DataType;
import io.inferencegateway.model.Tensor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Open Inference Protocol's infer bodies, read and written with Jackson's streaming parser and
 * generator, straight from and into primitive arrays: no element is boxed on the way. The reader
 * takes the common case, each input's name, datatype and shape before its data; a body it does not
 * recognise as well-formed in that order is left to {@link TensorJson}, which reads any order and
 * words every error.
 */
public final class InferJson {

  /**
   * Numbers parsed and written by Jackson's fast algorithms: exact as the JDK's (correctly
   * rounded in, shortest round-tripping text out), at a fraction of the cost for a tensor's
   * floats.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();
  /** Only the small {@code parameters} object is read as a tree. */
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
  private static final List<String> FIELDS = List.of("id", "inputs", "outputs", "parameters");

  /** What an infer body asks for; {@code id} and {@code parameters} are null when absent. */
  public record InferBody(String id, List<Tensor> inputs, List<RequestedOutput> outputs,
      JsonObject parameters) {

    /** The names of the outputs asked for, empty for all of them. */
    public List<String> outputNames() {
      List<String> names = new ArrayList<>(outputs.size());
      outputs.forEach(output -> names.add(output.name()));
      return names;
    }
  }

  /** A response body; {@code jsonLength} is -1 unless binary outputs follow the JSON. */
  public record InferReply(Buffer body, int jsonLength) {
  }

  private InferJson() {
  }

  /**
   * The body, when it is well-formed in the common order; empty for {@link TensorJson}. The JSON
   * is the first {@code jsonLength} bytes; {@code binary} holds what follows.
   */
  static Optional<InferBody> read(byte[] bytes, int jsonLength, BinaryInputs binary) {
    if (jsonLength == 0) {
      return Optional.empty();
    }
    try (JsonParser parser = FACTORY.createParser(bytes, 0, jsonLength)) {
      InferBody read = body(parser, bytes.length, binary);
      if (read == null || parser.nextToken() != null) {
        return Optional.empty();
      }
      binary.requireAllTaken();
      return Optional.of(read);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The response: model name and version, id and outputs, in the protocol's order; the outputs
   * marked in {@code binary} follow the JSON in the binary encoding.
   */
  public static InferReply write(String model, String version, String id, List<Tensor> outputs,
      boolean[] binary) {
    // Jackson writes into the answer's own buffer: no copy of the JSON in between.
    Buffer body = Buffer.buffer(256);
    List<byte[]> encoded = null;
    try (JsonGenerator out = FACTORY.createGenerator(new BufferOutput(body))) {
      out.writeStartObject();
      out.writeStringField("model_name", model);
      out.writeStringField("model_version", version);
      out.writeStringField("id", id);
      out.writeArrayFieldStart("outputs");
      for (int i = 0; i < outputs.size(); i++) {
        byte[] data = binary[i] ? BinaryTensors.encode(outputs.get(i)) : null;
        tensor(out, outputs.get(i), data);
        if (data != null) {
          encoded = encoded == null ? new ArrayList<>(outputs.size()) : encoded;
          encoded.add(data);
        }
      }
      out.writeEndArray();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (encoded == null) {
      return new InferReply(body, -1);
    }
    int jsonLength = body.length();
    encoded.forEach(body::appendBytes);
    return new InferReply(body, jsonLength);
  }

  /** An output stream that appends to a buffer. */
  private static final class BufferOutput extends OutputStream {

    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }

  /** Each element of data takes a digit and a comma at least: a bound on what a body holds. */
  private static InferBody body(JsonParser parser, int length, BinaryInputs binary)
      throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    String id = null;
    List<Tensor> inputs = null;
    List<RequestedOutput> outputs = List.of();
    JsonObject parameters = null;
    // The fields read below, as bits: one given twice is left to the tree reader.
    int seen = 0;
    for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
      int field = FIELDS.indexOf(key);
      if (field >= 0) {
        if ((seen & 1 << field) != 0) {
          return null;
        }
        seen |= 1 << field;
      }
      JsonToken value = parser.nextToken();
      switch (key) {
        case "id" -> {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
          id = parser.getText();
        }
        case "inputs" -> {
          inputs = inputs(parser, length / 2 + 1, binary);
          if (inputs == null) {
            return null;
          }
        }
        case "outputs" -> {
          outputs = outputs(parser);
          if (outputs == null) {
            return null;
          }
        }
        case "parameters" -> {
          if (value != JsonToken.START_OBJECT) {
            return null;
          }
          parameters = new JsonObject(MAPPER.readValue(parser, Map.class));
        }
        default -> parser.skipChildren();
      }
    }
    return parser.currentToken() == JsonToken.END_OBJECT && inputs != null
        ? new InferBody(id, inputs, outputs, parameters) : null;
  }

  private static List<Tensor> inputs(JsonParser parser, long maxElements, BinaryInputs binary)
      throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    List<Tensor> inputs = new ArrayList<>(2);
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      Tensor input = input(parser, maxElements, binary);
      if (input == null || named(inputs, input.name())) {
        return null;
      }
      inputs.add(input);
    }
    return parser.currentToken() == JsonToken.END_ARRAY && !inputs.isEmpty() ? inputs : null;
  }

  /**
   * One input whose data comes after its name, datatype and shape; or whose binary data's size
   * comes in its parameters.
   */
  private static Tensor input(JsonParser parser, long maxElements, BinaryInputs binary)
      throws IOException {
    String name = null;
    DataType datatype = null;
    long[] shape = null;
    Object data = null;
    Long binarySize = null;
    for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
      JsonToken value = parser.nextToken();
      switch (key) {
        case "name" -> {
          if (name != null || value != JsonToken.VALUE_STRING) {
            return null;
          }
          name = parser.getText();
        }
        case "datatype" -> {
          if (datatype != null || value != JsonToken.VALUE_STRING) {
            return null;
          }
          datatype = DataType.fromName(parser.getText()).filter(DataType::carried).orElse(null);
          if (datatype == null) {
            return null;
          }
        }
        case "shape" -> {
          if (shape != null) {
            return null;
          }
          shape = shape(parser);
          if (shape == null) {
            return null;
          }
        }
        case "data" -> {
          if (data != null || name == null || datatype == null || shape == null) {
            return null;
          }
          data = TensorReader.read(parser, datatype, shape, maxElements);
          if (data == null) {
            return null;
          }
        }
        case "parameters" -> {
          if (value != JsonToken.START_OBJECT) {
            return null;
          }
          binarySize = BinaryInputs.size(new JsonObject(MAPPER.readValue(parser, Map.class)), "");
        }
        default -> parser.skipChildren();
      }
    }
    if (binarySize != null && data == null && shape != null) {
      data = binary.take(name, datatype, shape, Tensor.elementCount(shape), binarySize);
    } else if (binarySize != null) {
      return null;
    }
    return data == null ? null : new Tensor(name, datatype, shape, data);
  }

  private static long[] shape(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    long[] dims = new long[4];
    int rank = 0;
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      if (token != JsonToken.VALUE_NUMBER_INT
          || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        return null;
      }
      long dim = parser.getLongValue();
      if (dim < 0) {
        return null;
      }
      if (rank == dims.length) {
        dims = Arrays.copyOf(dims, rank * 2);
      }
      dims[rank++] = dim;
    }
    return Arrays.copyOf(dims, rank);
  }

  private static List<RequestedOutput> outputs(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    List<RequestedOutput> outputs = new ArrayList<>(2);
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      String name = null;
      JsonObject parameters = null;
      for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
        JsonToken value = parser.nextToken();
        if (key.equals("name")) {
          if (name != null || value != JsonToken.VALUE_STRING) {
            return null;
          }
          name = parser.getText();
        } else if (key.equals("parameters")) {
          if (parameters != null || value != JsonToken.START_OBJECT) {
            return null;
          }
          parameters = new JsonObject(MAPPER.readValue(parser, Map.class));
        } else {
          parser.skipChildren();
        }
      }
      if (name == null || asked(outputs, name)) {
        return null;
      }
      outputs.add(RequestedOutput.of(name, parameters, name));
    }
    return parser.currentToken() == JsonToken.END_ARRAY ? outputs : null;
  }

  /** Whether an input of that name is in the list: a scan, since requests have few inputs. */
  private static boolean named(List<Tensor> inputs, String name) {
    for (Tensor input : inputs) {
      if (input.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean asked(List<RequestedOutput> outputs, String name) {
    for (RequestedOutput output : outputs) {
      if (output.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** An output, with its data or, when it goes in binary, the size of its encoding. */
  private static void tensor(JsonGenerator out, Tensor tensor, byte[] binary)
      throws IOException {
    out.writeStartObject();
    out.writeStringField("name", tensor.name());
    out.writeStringField("datatype", tensor.datatype().name());
    out.writeArrayFieldStart("shape");
    for (long dim : tensor.shape()) {
      out.writeNumber(dim);
    }
    out.writeEndArray();
    if (binary != null) {
      out.writeObjectFieldStart("parameters");
      out.writeNumberField("binary_data_size", binary.length);
      out.writeEndObject();
    } else {
      out.writeArrayFieldStart("data");
      data(out, tensor);
      out.writeEndArray();
    }
    out.writeEndObject();
  }

  private static void data(JsonGenerator out, Tensor tensor) throws IOException {
    switch (tensor.datatype()) {
      case FP32 -> {
        for (float value : (float[]) tensor.data()) {
          out.writeNumber(value);
        }
      }
      case FP64 -> {
        for (double value : (double[]) tensor.data()) {
          out.writeNumber(value);
        }
      }
      case FP16, BF16 -> {
        for (short bits : (short[]) tensor.data()) {
          out.writeNumber(Elements.halfValue(tensor.datatype(), bits));
        }
      }
      case INT32 -> {
        for (int value : (int[]) tensor.data()) {
          out.writeNumber(value);
        }
      }
      case INT64 -> {
        for (long value : (long[]) tensor.data()) {
          out.writeNumber(value);
        }
      }
      case INT16 -> {
        for (short value : (short[]) tensor.data()) {
          out.writeNumber(value);
        }
      }
      case INT8 -> {
        for (byte value : (byte[]) tensor.data()) {
          out.writeNumber(value);
        }
      }
      case UINT8 -> {
        for (byte value : (byte[]) tensor.data()) {
          out.writeNumber(value & 0xFF);
        }
      }
      case BOOL -> {
        for (boolean value : (boolean[]) tensor.data()) {
          out.writeBoolean(value);
        }
      }
      case BYTES -> {
        for (String value : (String[]) tensor.data()) {
          out.writeString(value);
        }
      }
      default -> throw new IllegalArgumentException("not a carried datatype: " + tensor.datatype());
    }
  }
}
