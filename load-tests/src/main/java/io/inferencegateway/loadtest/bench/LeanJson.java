package io.inferencegateway.loadtest.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The least JSON work an Open Inference Protocol server does per request, as a floor of the
 * benchmark: Jackson's streaming API (with the fast number parser and writer, as the gateway sets
 * it) reads the body's one FP32 input into a float array, and writes an answer with the output's
 * floats. No validation, no error messages, no metadata: whatever the gateway does beyond this,
 * JSON included, is its own cost.
 */
final class LeanJson {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();

  private final String model;
  private final String output;
  private final long[] outShape;
  private final ByteArrayOutputStream answer = new ByteArrayOutputStream(1024);

  /** A thread's codec for the answers of {@code model}'s {@code output}, shaped {@code outShape}. */
  LeanJson(String model, String output, long[] outShape) {
    this.model = model;
    this.output = output;
    this.outShape = outShape;
  }

  /** The infer body the payload generator writes for {@code values}, shaped {@code shape}. */
  static byte[] body(String input, long[] shape, double[] values) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator out = FACTORY.createGenerator(body)) {
      out.writeStartObject();
      out.writeArrayFieldStart("inputs");
      tensorHead(out, input, shape);
      out.writeFieldName("data");
      out.writeArray(values, 0, values.length);
      out.writeEndObject();
      out.writeEndArray();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body.toByteArray();
  }

  /** Reads the numbers of the body's {@code data} array into {@code into}. */
  void read(byte[] body, float[] into) {
    try (JsonParser parser = FACTORY.createParser(body)) {
      int filled = 0;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME && "data".equals(parser.currentName())) {
          parser.nextToken();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            into[filled++] = (float) parser.getDoubleValue();
          }
        }
      }
      if (filled != into.length) {
        throw new IllegalStateException(filled + " values for " + into.length);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the answer for {@code values}; its length in bytes. */
  int write(float[] values) {
    answer.reset();
    try (JsonGenerator out = FACTORY.createGenerator(answer)) {
      out.writeStartObject();
      out.writeStringField("model_name", model);
      out.writeStringField("model_version", "1");
      out.writeStringField("id", "1");
      out.writeArrayFieldStart("outputs");
      tensorHead(out, output, outShape);
      out.writeArrayFieldStart("data");
      for (float value : values) {
        out.writeNumber(value);
      }
      out.writeEndArray();
      out.writeEndObject();
      out.writeEndArray();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return answer.size();
  }

  /** Opens an FP32 tensor's object and writes all but its data. */
  private static void tensorHead(JsonGenerator out, String name, long[] shape) throws IOException {
    out.writeStartObject();
    out.writeStringField("name", name);
    out.writeStringField("datatype", "FP32");
    out.writeFieldName("shape");
    out.writeArray(shape, 0, shape.length);
  }
}
