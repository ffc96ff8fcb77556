package io.inferencegateway.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Carries the model messages over the event bus. Within one JVM a message passes as the object it
 * is, tensors as their arrays; to another node of a cluster it travels in {@link WireFormat}'s
 * binary form. Every node registers the same codecs, since a receiver finds one by its name.
 */
public final class ModelCodec<T> implements MessageCodec<T, T> {

  private final String name;
  private final BiConsumer<Buffer, T> encoder;
  private final Function<WireFormat.Reader, T> decoder;

  private ModelCodec(Class<T> type, BiConsumer<Buffer, T> encoder,
      Function<WireFormat.Reader, T> decoder) {
    this.name = "model-" + type.getSimpleName();
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** Registers a codec for every message type the model verticles exchange. */
  public static void registerAll(EventBus eventBus) {
    register(eventBus, InferRequest.class, WireFormat::writeInferRequest,
        WireFormat.Reader::inferRequest);
    register(eventBus, InferResult.class, WireFormat::writeInferResult,
        WireFormat.Reader::inferResult);
    register(eventBus, PredictRequest.class, WireFormat::writePredictRequest,
        WireFormat.Reader::predictRequest);
    register(eventBus, PredictResult.class, WireFormat::writePredictResult,
        WireFormat.Reader::predictResult);
    register(eventBus, ModelStatus.class, WireFormat::writeStatus, WireFormat.Reader::status);
  }

  private static <T> void register(EventBus eventBus, Class<T> type,
      BiConsumer<Buffer, T> encoder, Function<WireFormat.Reader, T> decoder) {
    eventBus.registerDefaultCodec(type, new ModelCodec<>(type, encoder, decoder));
  }

  /** The message, length first, so that the decoder knows where it ends. */
  @Override
  public void encodeToWire(Buffer buffer, T message) {
    int lengthAt = buffer.length();
    buffer.appendInt(0);
    encoder.accept(buffer, message);
    buffer.setInt(lengthAt, buffer.length() - lengthAt - 4);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    return decoder.apply(new WireFormat.Reader(buffer, pos + 4));
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
