package io.inferencegateway.loadtest.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The inference ceiling of the benchmark: ONNX Runtime called in-process on a model file, with the
 * gateway's default session options (one intra-op and one inter-op thread, sequential execution,
 * all graph optimisations, no spinning), and per call the work the gateway does around
 * {@code OrtSession.run}: copy a float array into the thread's input tensor, run into the
 * thread's output tensor (both made once, over native buffers, as the gateway keeps them between
 * runs of one shape), copy the output out into a new float array. Then the same with the JSON
 * floor around it: each call first reads its input from the infer body the payload generator
 * writes for the same numbers, and at the end writes the output as an answer ({@link LeanJson}).
 *
 * <p>For each batch size, codec (none, then JSON) and thread count: {@code threads} threads call
 * {@code run} in a loop on one shared session (as the gateway's worker instances share one),
 * first for {@code warmup} seconds unrecorded, then for {@code duration} seconds recording every
 * call's latency and the CPU time this process used. Prints one line per configuration, ending
 * with this process's resident memory (Linux):
 * {@code ORT model=mlp batch=1 codec=none threads=2 calls=... calls_per_s=... p50_us=...
 * p99_us=... cpu_us_per_call=... rss_kib=<VmRSS, or -1>}
 *
 * <p>Usage: {@code OrtBench <name> <model.onnx> <batches, e.g. 1,8,64> <threads, e.g. 1,2>
 * <warmup s> <duration s>}
 */
public final class OrtBench {

  private OrtBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: OrtBench <name> <model.onnx> <batches> <threads> <warmup s> <duration s>");
      System.exit(2);
    }
    String name = args[0];
    String path = args[1];
    int[] batches = ints(args[2]);
    int[] threadCounts = ints(args[3]);
    double warmup = Double.parseDouble(args[4]);
    double duration = Double.parseDouble(args[5]);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = open(env, name, path)) {
      for (int batch : batches) {
        for (boolean json : new boolean[] {false, true}) {
          Call call = call(env, session, name, batch, json);
          for (int threads : threadCounts) {
            Result result = measure(call, threads, warmup, duration);
            System.out.printf("ORT model=%s batch=%d codec=%s threads=%d calls=%d"
                    + " calls_per_s=%.1f p50_us=%d p99_us=%d cpu_us_per_call=%.2f rss_kib=%d%n",
                name, batch, json ? "json" : "none", threads, result.calls(),
                result.callsPerSecond(), result.percentileMicros(50),
                result.percentileMicros(99), result.cpuMicrosPerCall(), residentKib());
          }
        }
      }
    }
  }

  /** A session on the model file with the gateway's default options; one FP32 input. */
  static OrtSession open(OrtEnvironment env, String name, String path) throws OrtException {
    OrtSession session;
    try (OrtSession.SessionOptions options = gatewayOptions()) {
      session = env.createSession(path, options);
    }
    int inputs = session.getInputInfo().size();
    if (inputs != 1) {
      session.close();
      throw new IllegalArgumentException(name + " has " + inputs
          + " inputs; the benchmark takes models with one FP32 input");
    }
    return session;
  }

  /**
   * A call of {@code batch} rows of the benchmark's inputs on the session; with {@code json}, each
   * call also reads its input from the infer body and writes its answer.
   */
  static Call call(OrtEnvironment env, OrtSession session, String name, int batch, boolean json)
      throws OrtException {
    Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
    Map.Entry<String, NodeInfo> output = session.getOutputInfo().entrySet().iterator().next();
    long[] shape = withBatch(((TensorInfo) input.getValue().getInfo()).getShape(), batch);
    long[] outShape = withBatch(((TensorInfo) output.getValue().getInfo()).getShape(), batch);
    int count = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    byte[] body = json ? LeanJson.body(input.getKey(), shape, BenchInputs.values(name, count))
        : null;
    return new Call(env, session, name, input.getKey(), output.getKey(),
        BenchInputs.floats(name, count), shape, outShape, body);
  }

  /** The declared shape with its free dimensions set to {@code batch}. */
  private static long[] withBatch(long[] declared, int batch) {
    long[] shape = declared.clone();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = batch;
      }
    }
    return shape;
  }

  /** The options the gateway gives a model's session when its configuration sets none. */
  private static OrtSession.SessionOptions gatewayOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    options.addConfigEntry("session.inter_op.allow_spinning", "0");
    return options;
  }

  private static int[] ints(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  record Result(long calls, double seconds, long[] sortedNanos, long cpuNanos) {
    double callsPerSecond() {
      return calls / seconds;
    }

    double cpuMicrosPerCall() {
      return calls == 0 ? 0 : cpuNanos / 1000.0 / calls;
    }

    long percentileMicros(double percentile) {
      if (sortedNanos.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1000;
    }
  }

  private static Result measure(Call call, int threads, double warmup, double duration)
      throws InterruptedException {
    AtomicBoolean recording = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    List<LatencyLog> logs = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch failed = new CountDownLatch(1);
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads; t++) {
      LatencyLog log = new LatencyLog();
      logs.add(log);
      Thread worker = new Thread(() -> {
        try (Call.Tensors tensors = call.tensors()) {
          while (!stop.get()) {
            long start = System.nanoTime();
            tensors.run();
            long took = System.nanoTime() - start;
            if (recording.get()) {
              log.add(took);
            }
          }
        } catch (Throwable e) {
          failure[0] = e;
          failed.countDown();
        }
      }, "ort-bench-" + t);
      workers.add(worker);
      worker.start();
    }
    Thread.sleep((long) (warmup * 1000));
    long cpu0 = processCpuNanos();
    recording.set(true);
    long start = System.nanoTime();
    boolean broke = failed.await((long) (duration * 1000), java.util.concurrent.TimeUnit.MILLISECONDS);
    recording.set(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpuNanos = processCpuNanos() - cpu0;
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
    if (broke) {
      throw new IllegalStateException("inference failed", failure[0]);
    }
    long calls = logs.stream().mapToLong(LatencyLog::size).sum();
    long[] all = new long[(int) calls];
    int at = 0;
    for (LatencyLog log : logs) {
      System.arraycopy(log.values, 0, all, at, log.size);
      at += log.size;
    }
    Arrays.sort(all);
    return new Result(calls, seconds, all, cpuNanos);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** This process's VmRSS in KiB from /proc/self/status, or -1 elsewhere. */
  private static long residentKib() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return -1;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * One model, batch and body: what each thread runs. With a {@code body}, each call also reads
   * its input from that JSON and writes its output as a JSON answer ({@link LeanJson}).
   */
  record Call(OrtEnvironment env, OrtSession session, String model, String input,
      String output, float[] data, long[] shape, long[] outShape, byte[] body) {

    /** A thread's input and output tensors, made once over native buffers. */
    Tensors tensors() throws OrtException {
      FloatBuffer in = direct(data.length);
      FloatBuffer out = direct((int) Arrays.stream(outShape).reduce(1, (a, b) -> a * b));
      return new Tensors(OnnxTensor.createTensor(env, in, shape), in,
          OnnxTensor.createTensor(env, out, outShape), out);
    }

    private static FloatBuffer direct(int floats) {
      return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
    }

    final class Tensors implements AutoCloseable {
      private final Map<String, OnnxTensor> feeds;
      private final Map<String, OnnxTensor> outputs;
      private final FloatBuffer in;
      private final FloatBuffer out;
      private final LeanJson json;
      private final float[] read;

      Tensors(OnnxTensor inTensor, FloatBuffer in, OnnxTensor outTensor, FloatBuffer out) {
        this.feeds = Map.of(input, inTensor);
        this.outputs = Map.of(output, outTensor);
        this.in = in;
        this.out = out;
        this.json = body == null ? null : new LeanJson(model, output, outShape);
        this.read = body == null ? data : new float[data.length];
      }

      void run() throws OrtException {
        if (json != null) {
          json.read(body, read);
        }
        in.clear();
        in.put(read);
        session.run(feeds, outputs).close();
        float[] copy = new float[out.capacity()];
        out.clear();
        out.get(copy);
        if (copy.length == 0 || json != null && json.write(copy) == 0) {
          throw new IllegalStateException("empty output");
        }
      }

      @Override
      public void close() {
        feeds.values().forEach(OnnxTensor::close);
        outputs.values().forEach(OnnxTensor::close);
      }
    }
  }

  /** A growable array of latencies in nanoseconds, written by one thread. */
  private static final class LatencyLog {
    long[] values = new long[1 << 16];
    int size;

    void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    long size() {
      return size;
    }
  }
}
