package io.inferencegateway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/** A string that may also be written as an integer, as model versions often are. */
final class StringOrInteger extends StdScalarDeserializer<String> {

  StringOrInteger() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.hasToken(JsonToken.VALUE_NUMBER_INT)) {
      return parser.getText();
    }
    if (parser.hasToken(JsonToken.VALUE_STRING)) {
      return parser.getText();
    }
    return (String) context.handleUnexpectedToken(String.class, parser);
  }
}
