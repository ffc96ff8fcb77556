package io.inferencegateway.loadtest;

import java.net.URI;

/**
 * Run settings, all read from system properties ({@code mvn ... -Dname=value} reaches the forked
 * Gatling JVM). Every property has a default, so a bare run works against a local gateway.
 */
final class Settings {

  private Settings() {
  }

  /** Base URL of the gateway under test, without a trailing slash. */
  static String gatewayUrl() {
    return url("gateway.url", "http://127.0.0.1:8080");
  }

  /** Base URL of the gateway's management port (health, metrics), without a trailing slash. */
  static String managementUrl() {
    return url("gateway.managementUrl", "http://127.0.0.1:8081");
  }

  private static String url(String property, String defaultValue) {
    String url = System.getProperty(property, defaultValue).trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(property + " must be an http(s) URL, not '" + url + "'");
    }
    return url;
  }

  static int intProp(String name, int defaultValue) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + " must be an integer, not '" + value + "'");
    }
  }

  static int positiveInt(String name, int defaultValue) {
    int value = intProp(name, defaultValue);
    if (value <= 0) {
      throw new IllegalArgumentException("-D" + name + " must be positive, not " + value);
    }
    return value;
  }

  static int nonNegativeInt(String name, int defaultValue) {
    int value = intProp(name, defaultValue);
    if (value < 0) {
      throw new IllegalArgumentException("-D" + name + " must not be negative, not " + value);
    }
    return value;
  }

  /** One line naming every setting a simulation uses, printed at its start. */
  static void print(String simulation, String... nameValuePairs) {
    StringBuilder line = new StringBuilder(simulation).append(": gateway.url=").append(gatewayUrl());
    for (int i = 0; i + 1 < nameValuePairs.length; i += 2) {
      line.append(' ').append(nameValuePairs[i]).append('=').append(nameValuePairs[i + 1]);
    }
    System.out.println(line);
  }
}
