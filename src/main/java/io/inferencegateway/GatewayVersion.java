package io.inferencegateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The gateway's version, written into a resource by the build. */
final class GatewayVersion {

  private GatewayVersion() {
  }

  static String get() {
    Properties properties = new Properties();
    try (InputStream in = GatewayVersion.class.getResourceAsStream("/gateway-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version", "unknown");
  }
}
