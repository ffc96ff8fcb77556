package io.inferencegateway.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable message object between verticles of this JVM without encoding it: tensors
 * cross the event bus as the arrays they are.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local-" + type.getSimpleName();
  }

  /** Registers local codecs for every message type the model verticles exchange. */
  public static void registerAll(EventBus eventBus) {
    register(eventBus, InferRequest.class);
    register(eventBus, InferResult.class);
    register(eventBus, PredictRequest.class);
    register(eventBus, PredictResult.class);
    register(eventBus, ModelStatus.class);
  }

  private static <T> void register(EventBus eventBus, Class<T> type) {
    eventBus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    throw new UnsupportedOperationException(name + " only crosses verticles of one JVM");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " only crosses verticles of one JVM");
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
