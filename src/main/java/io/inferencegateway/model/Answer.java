package io.inferencegateway.model;

import io.vertx.core.eventbus.Message;

/**
 * Where the answer to an accepted request goes: back over the event bus to the node or verticle
 * that sent it, or straight to a caller in this process. Called once, from any thread.
 */
public interface Answer {

  void send(Object result);

  void fail(RequestFailure failure);

  /** Answers an event-bus request, for {@link RequestFailure#of} to restore a failure. */
  static Answer over(Message<?> message) {
    return new Answer() {
      @Override
      public void send(Object result) {
        message.reply(result);
      }

      @Override
      public void fail(RequestFailure failure) {
        failure.failReply(message);
      }
    };
  }
}
