package io.inferencegateway.http;

import io.inferencegateway.model.RequestFailure;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.function.BiConsumer;

/**
 * Reads a request's body, refusing one over the limit (413) as soon as its
 * {@code Content-Length} or its bytes say so; the rest of a refused body is read and dropped, so
 * the connection stays usable. Answers {@code Expect: 100-continue}.
 */
final class RequestBody implements Handler<Buffer> {

  /** Above this, a body's buffer grows as its bytes come rather than all at once. */
  private static final int MAX_PREALLOCATED_BYTES = 65_536;

  private final long limit;
  private final BiConsumer<Buffer, RequestFailure> then;
  private Buffer body;
  private long received;
  private boolean refused;

  private RequestBody(long limit, BiConsumer<Buffer, RequestFailure> then) {
    this.limit = limit;
    this.then = then;
  }

  /**
   * Reads {@code request}'s body and gives it to {@code then}, empty when there is none, or a
   * failure to answer. Nothing is given when the connection closes first: nobody is left to answer.
   */
  static void read(HttpServerRequest request, long limit,
      BiConsumer<Buffer, RequestFailure> then) {
    long declared = contentLength(request);
    if (declared > limit) {
      then.accept(null, tooLarge(limit));
      return;
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null) {
      if (!expect.equalsIgnoreCase("100-continue")) {
        then.accept(null, RequestFailure.badRequest(
            "the only expectation supported is 100-continue, not '" + expect + "'"));
        return;
      }
      if (request.version() != HttpVersion.HTTP_1_0) {
        request.response().writeContinue();
      }
    }
    if (request.isEnded()) {
      then.accept(Buffer.buffer(0), null);
      return;
    }
    RequestBody reader = new RequestBody(limit, then);
    reader.body = Buffer.buffer((int) Math.min(Math.max(declared, 0), MAX_PREALLOCATED_BYTES));
    request.handler(reader)
        .endHandler(ended -> reader.ended())
        .exceptionHandler(reader::failed);
  }

  @Override
  public void handle(Buffer chunk) {
    if (refused) {
      return;
    }
    received += chunk.length();
    if (received > limit) {
      refused = true;
      body = null;
      then.accept(null, tooLarge(limit));
      return;
    }
    body.appendBuffer(chunk);
  }

  private void ended() {
    if (!refused) {
      then.accept(body, null);
    }
  }

  private void failed(Throwable failure) {
    if (refused || failure instanceof HttpClosedException) {
      return;
    }
    refused = true;
    // Netty's message for a malformed body names its own classes: say what was wrong instead.
    then.accept(null, RequestFailure.badRequest(
        "the request body could not be read: it is not well-formed HTTP"));
  }

  private static RequestFailure tooLarge(long limit) {
    return new RequestFailure(RequestFailure.Kind.TOO_LARGE,
        "the request body is larger than " + limit + " bytes");
  }

  /** The declared length; -1 without one or when it is not a number. */
  private static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
