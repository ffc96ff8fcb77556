package io.inferencegateway.http;

import io.inferencegateway.model.RequestFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Request bodies sent with {@code Content-Encoding: gzip} or {@code deflate}, inflated by the
 * JDK's zlib and never past the body limit, so a small bomb is refused with 413. Done here rather
 * than by the HTTP server, which answers a corrupt stream by closing the connection unanswered.
 */
final class ContentDecoding {

  private final int limit;

  ContentDecoding(long limit) {
    // An array holds at most about 2^31 bytes.
    this.limit = (int) Math.min(limit, Integer.MAX_VALUE - 16);
  }

  /** The request's {@code body} as the client meant it. */
  Buffer decode(HttpServerRequest request, Buffer body) {
    String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (encoding == null) {
      return body;
    }
    String name = encoding.trim().toLowerCase(Locale.ROOT);
    byte[] bytes = body.getBytes();
    return switch (name) {
      case "identity" -> body;
      case "gzip", "x-gzip" -> inflate(name, () -> new GZIPInputStream(
          new ByteArrayInputStream(bytes)), null);
      // HTTP's deflate is zlib-wrapped, but some clients send the raw stream.
      case "deflate" -> {
        Inflater inflater = new Inflater(!zlibWrapped(bytes));
        yield inflate(name, () -> new InflaterInputStream(new ByteArrayInputStream(bytes),
            inflater), inflater);
      }
      default -> throw RequestFailure.badRequest("Content-Encoding '" + encoding
          + "' is not supported; send gzip, deflate or an uncompressed body");
    };
  }

  private interface Source {
    InputStream open() throws IOException;
  }

  private Buffer inflate(String encoding, Source source, Inflater inflater) {
    try (InputStream in = source.open()) {
      byte[] inflated = in.readNBytes(limit + 1);
      if (inflated.length > limit) {
        throw new RequestFailure(RequestFailure.Kind.TOO_LARGE, "the request body is larger than "
            + limit + " bytes once inflated");
      }
      return Buffer.buffer(inflated);
    } catch (IOException e) {
      throw RequestFailure.badRequest("the body is not valid " + encoding + " data: "
          + e.getMessage());
    } finally {
      if (inflater != null) {
        inflater.end();
      }
    }
  }

  /** A zlib header: compression method 8 and a check value that makes the pair divisible by 31. */
  private static boolean zlibWrapped(byte[] bytes) {
    return bytes.length >= 2 && (bytes[0] & 0x0F) == 8
        && ((bytes[0] & 0xFF) * 256 + (bytes[1] & 0xFF)) % 31 == 0;
  }
}
