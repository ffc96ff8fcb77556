package io.inferencegateway.model;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * Why a request could not be answered, as a kind and a message for the client. The model layer
 * and the HTTP layer both fail requests with it; only the HTTP layer knows which status and metric
 * outcome each kind becomes. Across the event bus the kind travels as the failure code.
 */
public final class RequestFailure extends RuntimeException {

  /** What went wrong, from the client's point of view. */
  public enum Kind {
    /** The request is malformed or does not fit the model. */
    BAD_REQUEST,
    /** The body, once inflated, is larger than the gateway takes. */
    TOO_LARGE,
    /** The model, version or route does not exist. */
    NOT_FOUND,
    /** The model exists but cannot serve: still loading, failed to load, or not deployed. */
    NOT_READY,
    /** Too many requests are already waiting for the model. */
    OVERLOADED,
    /** The request's deadline passed before it was answered. */
    TIMED_OUT,
    /** Nobody waits for the answer any more: the client has gone, or the deadline has passed. */
    CANCELLED,
    /** The gateway failed in a way the client could not have caused. */
    INTERNAL
  }

  private static final Kind[] KINDS = Kind.values();

  private final Kind kind;

  public RequestFailure(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public static RequestFailure badRequest(String message) {
    return new RequestFailure(Kind.BAD_REQUEST, message);
  }

  public static RequestFailure notFound(String message) {
    return new RequestFailure(Kind.NOT_FOUND, message);
  }

  /**
   * The answer to a failure nobody foresaw. Its details go to the log, with the request's id;
   * the client learns only that it was the gateway's fault.
   */
  public static RequestFailure unforeseen() {
    return new RequestFailure(Kind.INTERNAL, "internal error");
  }

  /** The model did not answer by the request's deadline. */
  public static RequestFailure late(String model) {
    return new RequestFailure(Kind.TIMED_OUT, "model '" + model + "' did not answer in time");
  }

  public Kind kind() {
    return kind;
  }

  /** Fails an event-bus request with this failure, for {@link #of} to restore on the other side. */
  public void failReply(Message<?> message) {
    message.fail(kind.ordinal(), getMessage());
  }

  /**
   * The failure behind a failed event-bus request to {@code model}: the one its worker replied
   * with, or what the event bus itself reports (no answer in time, nobody consuming); anything
   * else is {@link #unforeseen}, which the caller logs.
   */
  public static RequestFailure of(Throwable failure, String model) {
    if (failure instanceof RequestFailure known) {
      return known;
    }
    if (!(failure instanceof ReplyException reply)) {
      return unforeseen();
    }
    return switch (reply.failureType()) {
      case RECIPIENT_FAILURE -> reply.failureCode() >= 0 && reply.failureCode() < KINDS.length
          ? new RequestFailure(KINDS[reply.failureCode()], reply.getMessage())
          : unforeseen();
      // The event bus's own message names its internal addresses.
      case TIMEOUT -> late(model);
      default -> new RequestFailure(Kind.NOT_READY,
          "model '" + model + "' is not being served: " + reply.getMessage());
    };
  }
}
