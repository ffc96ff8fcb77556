package io.inferencegateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The wire form between cluster nodes gives back every message exactly, element bits included. */
@DisplayName("Model messages cross the wire bit for bit")
class ModelCodecTest {

  /** One tensor of each carried datatype, with the values that are easiest to lose. */
  private static List<Tensor> everyDatatype() {
    List<Tensor> tensors = new ArrayList<>();
    tensors.add(tensor(DataType.BOOL, new boolean[] {true, false, true}));
    tensors.add(tensor(DataType.UINT8, new byte[] {0, (byte) 255, (byte) 128}));
    tensors.add(tensor(DataType.INT8, new byte[] {-128, 127, 0}));
    tensors.add(tensor(DataType.INT16, new short[] {Short.MIN_VALUE, Short.MAX_VALUE, -1}));
    tensors.add(tensor(DataType.INT32, new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1}));
    tensors.add(tensor(DataType.INT64, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1}));
    tensors.add(tensor(DataType.FP16, new short[] {(short) 0x7e01, (short) 0x8000, 0x3c00}));
    tensors.add(tensor(DataType.BF16, new short[] {(short) 0x7fc1, (short) 0xff80, 0x3f80}));
    tensors.add(tensor(DataType.FP32, new float[] {Float.intBitsToFloat(0x7fc00001), -0f,
        Float.MIN_VALUE}));
    tensors.add(tensor(DataType.FP64, new double[] {Double.longBitsToDouble(0x7ff8000000000001L),
        -0d, Double.NEGATIVE_INFINITY}));
    tensors.add(tensor(DataType.BYTES, new String[] {"", "caf\u00e9 \ud83d\ude00", "\ud800x"}));
    return tensors;
  }

  @Test
  void anInferRequestKeepsItsTensorsOutputsAndTimeLeft() {
    long now = System.nanoTime();
    InferRequest sent = new InferRequest("req-1", everyDatatype(), List.of("a", "b"),
        now - TimeUnit.MILLISECONDS.toNanos(5), now + TimeUnit.SECONDS.toNanos(3),
        new Cancellation());
    InferRequest received = roundTrip(ModelCodec.INFER_REQUEST, sent);
    assertThat(received.requestId()).isEqualTo("req-1");
    assertThat(received.outputs()).containsExactly("a", "b");
    assertSameTensors(received.inputs(), sent.inputs());
    long slack = TimeUnit.MILLISECONDS.toNanos(500);
    assertThat(received.deadlineNanos()).isBetween(sent.deadlineNanos() - slack,
        sent.deadlineNanos() + slack);
    assertThat(received.arrivalNanos()).isBetween(sent.arrivalNanos() - slack,
        sent.arrivalNanos() + slack);
    assertThat(received.cancellation().isCancelled()).isFalse();
  }

  @Test
  void anInferResultKeepsEveryDatatype() {
    InferResult sent = new InferResult(everyDatatype());
    assertSameTensors(roundTrip(ModelCodec.INFER_RESULT, sent).outputs(), sent.outputs());
  }

  @Test
  void aPredictRequestKeepsItsInstancesAndMissingValues() {
    Map<String, Double> partial = new HashMap<>();
    partial.put("petal_length", 1.5);
    partial.put("sepal_width", null);
    PredictRequest sent = new PredictRequest("req-2", List.of(Map.of("a", -0d), partial),
        System.nanoTime(), System.nanoTime() + 1_000_000_000L, new Cancellation());
    PredictRequest received = roundTrip(ModelCodec.PREDICT_REQUEST, sent);
    assertThat(received.requestId()).isEqualTo("req-2");
    assertThat(received.instances()).isEqualTo(sent.instances());
    assertThat(Double.doubleToRawLongBits(received.instances().get(0).get("a")))
        .isEqualTo(Double.doubleToRawLongBits(-0d));
  }

  @Test
  void aPredictResultKeepsItsPredictions() {
    PredictResult sent = new PredictResult(new JsonArray().add(new JsonObject()
        .put("label", "setosa").put("scores", new JsonObject().put("setosa", 0.9))));
    assertThat(roundTrip(ModelCodec.PREDICT_RESULT, sent).predictions())
        .isEqualTo(sent.predictions());
  }

  @Test
  void aStatusKeepsItsSignatureAndLoadFacts() {
    ModelSignature signature = new ModelSignature(
        List.of(new TensorSpec("input", DataType.FP32, new long[] {-1, 16})),
        List.of(new TensorSpec("output", DataType.INT64, new long[] {-1}),
            new TensorSpec("names", DataType.BYTES, new long[] {})));
    ModelStatus loaded = new ModelStatus(ModelState.STUCK, "7", Optional.of("running long"),
        Optional.of(new ModelStatus.Loaded(signature, 42, Instant.ofEpochMilli(1_700_000_000_123L),
            3)));
    ModelStatus received = roundTrip(ModelCodec.STATUS, loaded);
    assertThat(received.state()).isEqualTo(ModelState.STUCK);
    assertThat(received.version()).isEqualTo("7");
    assertThat(received.error()).contains("running long");
    ModelStatus.Loaded facts = received.loaded().orElseThrow();
    assertThat(facts.loadTimeMs()).isEqualTo(42);
    assertThat(facts.loadedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    assertThat(facts.running()).isEqualTo(3);
    assertThat(facts.signature().outputs()).hasSize(2);
    assertThat(facts.signature().outputs().get(0).shape()).containsExactly(-1);
    assertThat(facts.signature().outputs().get(1).datatype()).isEqualTo(DataType.BYTES);

    ModelStatus failed = new ModelStatus(ModelState.FAILED, "1", Optional.of("no file"),
        Optional.empty());
    assertThat(roundTrip(ModelCodec.STATUS, failed)).isEqualTo(failed);
  }

  /** Encodes after some bytes already in the buffer, as the event bus does, and decodes. */
  private static <T> T roundTrip(ModelCodec<T> codec, T message) {
    Buffer buffer = Buffer.buffer().appendString("header");
    codec.encodeToWire(buffer, message);
    buffer.appendString("trailer");
    return codec.decodeFromWire(6, buffer);
  }

  private static Tensor tensor(DataType type, Object data) {
    return new Tensor("t_" + type.name().toLowerCase(), type,
        new long[] {1, java.lang.reflect.Array.getLength(data)}, data);
  }

  private static void assertSameTensors(List<Tensor> actual, List<Tensor> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Tensor got = actual.get(i);
      Tensor want = expected.get(i);
      assertThat(got.name()).isEqualTo(want.name());
      assertThat(got.datatype()).isEqualTo(want.datatype());
      assertThat(got.shape()).isEqualTo(want.shape());
      assertThat(bits(got.data())).as(want.name()).isEqualTo(bits(want.data()));
    }
  }

  /** The data as exact bits: floating point compared by raw bit pattern, NaN payloads included. */
  private static Object bits(Object data) {
    if (data instanceof float[] floats) {
      int[] raw = new int[floats.length];
      Arrays.setAll(raw, i -> Float.floatToRawIntBits(floats[i]));
      return raw;
    }
    if (data instanceof double[] doubles) {
      long[] raw = new long[doubles.length];
      Arrays.setAll(raw, i -> Double.doubleToRawLongBits(doubles[i]));
      return raw;
    }
    return data;
  }
}
