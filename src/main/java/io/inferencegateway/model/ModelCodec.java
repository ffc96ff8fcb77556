package io.inferencegateway.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Carries the model messages over the event bus. Within one JVM a message passes as the object it
 * is, tensors as their arrays; to another node of a cluster it travels in {@link WireFormat}'s
 * binary form. Every node registers the same codecs, since a receiver finds one by its name.
 */
public final class ModelCodec<T> implements MessageCodec<T, T> {

  static final ModelCodec<InferRequest> INFER_REQUEST = new ModelCodec<>(InferRequest.class,
      WireFormat::writeInferRequest, WireFormat.Reader::inferRequest);
  static final ModelCodec<InferResult> INFER_RESULT = new ModelCodec<>(InferResult.class,
      WireFormat::writeInferResult, WireFormat.Reader::inferResult);
  static final ModelCodec<PredictRequest> PREDICT_REQUEST = new ModelCodec<>(
      PredictRequest.class, WireFormat::writePredictRequest, WireFormat.Reader::predictRequest);
  static final ModelCodec<PredictResult> PREDICT_RESULT = new ModelCodec<>(PredictResult.class,
      WireFormat::writePredictResult, WireFormat.Reader::predictResult);
  static final ModelCodec<ModelStatus> STATUS = new ModelCodec<>(ModelStatus.class,
      WireFormat::writeStatus, WireFormat.Reader::status);

  private final Class<T> type;
  private final String name;
  private final BiConsumer<Buffer, T> encoder;
  private final Function<WireFormat.Reader, T> decoder;

  private ModelCodec(Class<T> type, BiConsumer<Buffer, T> encoder,
      Function<WireFormat.Reader, T> decoder) {
    this.type = type;
    this.name = "model-" + type.getSimpleName();
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** Registers a codec for every message type the model verticles exchange. */
  public static void registerAll(EventBus eventBus) {
    for (ModelCodec<?> codec : List.of(INFER_REQUEST, INFER_RESULT, PREDICT_REQUEST,
        PREDICT_RESULT, STATUS)) {
      codec.register(eventBus);
    }
  }

  private void register(EventBus eventBus) {
    eventBus.registerDefaultCodec(type, this);
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
