package io.inferencegateway.model;

/**
 * A request a model cannot serve. The status is the HTTP status it maps to, and travels as the
 * event-bus failure code, so the mapping lives in one place.
 */
public class InferenceException extends RuntimeException {

  public static final int BAD_REQUEST = 400;
  public static final int UNAVAILABLE = 503;
  public static final int TIMEOUT = 504;
  public static final int INTERNAL = 500;

  private final int status;

  public InferenceException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
