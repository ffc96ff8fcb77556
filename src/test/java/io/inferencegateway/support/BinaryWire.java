package io.inferencegateway.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary tensor data extension's wire format, written element by element from its
 * description: bodies of JSON followed by raw little-endian tensors, and responses cut back into
 * their JSON and each binary output's bytes.
 */
public final class BinaryWire {

  public static final String HEADER = "Inference-Header-Content-Length";

  private BinaryWire() {
  }

  /** A request body: the JSON, then the parts in order; its JSON length goes in {@link #HEADER}. */
  public record Body(Buffer bytes, int jsonLength) {
  }

  public static Body body(JsonObject json, byte[]... parts) {
    Buffer bytes = json.toBuffer();
    int jsonLength = bytes.length();
    for (byte[] part : parts) {
      bytes.appendBytes(part);
    }
    return new Body(bytes, jsonLength);
  }

  /** A binary input entry: name, datatype, shape and the size of its bytes, no data. */
  public static JsonObject binaryInput(String name, String datatype, List<Integer> shape,
      int size) {
    return new JsonObject().put("name", name).put("datatype", datatype)
        .put("shape", new JsonArray(List.copyOf(shape)))
        .put("parameters", new JsonObject().put("binary_data_size", size));
  }

  /** A response: its JSON and the bytes of each binary output, by output name. */
  public record Reply(JsonObject json, Map<String, byte[]> binary) {
  }

  public static Reply reply(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    String header = response.getHeader(HEADER);
    if (header == null) {
      return new Reply(body.toJsonObject(), Map.of());
    }
    int jsonLength = Integer.parseInt(header);
    JsonObject json = body.slice(0, jsonLength).toJsonObject();
    Map<String, byte[]> binary = new LinkedHashMap<>();
    int at = jsonLength;
    for (Object item : json.getJsonArray("outputs")) {
      JsonObject output = (JsonObject) item;
      JsonObject parameters = output.getJsonObject("parameters");
      if (parameters != null && parameters.containsKey("binary_data_size")) {
        int size = parameters.getInteger("binary_data_size");
        binary.put(output.getString("name"), body.getBytes(at, at + size));
        at += size;
      }
    }
    if (at != body.length()) {
      throw new AssertionError("the binary outputs take " + (at - jsonLength) + " bytes but "
          + (body.length() - jsonLength) + " follow the JSON");
    }
    return new Reply(json, binary);
  }

  public static byte[] floats(float... values) {
    ByteBuffer out = little(values.length * 4);
    for (float value : values) {
      out.putFloat(value);
    }
    return out.array();
  }

  public static byte[] doubles(double... values) {
    ByteBuffer out = little(values.length * 8);
    for (double value : values) {
      out.putDouble(value);
    }
    return out.array();
  }

  public static byte[] longs(long... values) {
    ByteBuffer out = little(values.length * 8);
    for (long value : values) {
      out.putLong(value);
    }
    return out.array();
  }

  public static byte[] ints(int... values) {
    ByteBuffer out = little(values.length * 4);
    for (int value : values) {
      out.putInt(value);
    }
    return out.array();
  }

  /** 16-bit elements: INT16 values, or the bits of FP16 and BF16 values. */
  public static byte[] shorts(int... values) {
    ByteBuffer out = little(values.length * 2);
    for (int value : values) {
      out.putShort((short) value);
    }
    return out.array();
  }

  /** 8-bit elements: UINT8 and INT8 values, or BOOL as 0 and 1. */
  public static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** BYTES elements: each a 4-byte little-endian length, then its UTF-8 bytes. */
  public static byte[] strings(String... values) {
    byte[][] encoded = Arrays.stream(values).map(text -> text.getBytes(StandardCharsets.UTF_8))
        .toArray(byte[][]::new);
    ByteBuffer out = little(Arrays.stream(encoded).mapToInt(bytes -> 4 + bytes.length).sum());
    for (byte[] element : encoded) {
      out.putInt(element.length).put(element);
    }
    return out.array();
  }

  /** Reads FP32 elements back. */
  public static float[] toFloats(byte[] bytes) {
    float[] values = new float[bytes.length / 4];
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      values[i] = in.getFloat();
    }
    return values;
  }

  /** Reads BYTES elements back. */
  public static List<String> toStrings(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    java.util.ArrayList<String> values = new java.util.ArrayList<>();
    while (in.hasRemaining()) {
      byte[] element = new byte[in.getInt()];
      in.get(element);
      values.add(new String(element, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static ByteBuffer little(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
