package io.inferencegateway.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.inferencegateway.config.OnnxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session and the tensors it takes and gives. {@link OrtSession#run} is
 * thread-safe, so every worker instance of a model shares this object; each thread that runs it
 * keeps its own input and output tensors between runs.
 */
public final class OnnxModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, TensorSpec> inputs;
  private final Map<String, TensorSpec> outputs;
  private final ModelSignature signature;
  private final boolean batchable;
  private final String path;
  /** Each thread that runs the model keeps its own tensors; all are closed with the session. */
  private final Set<PinnedTensors> everyPinned = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<PinnedTensors> pinned = ThreadLocal.withInitial(this::newPinned);
  private volatile boolean pinning = true;

  private OnnxModel(OrtEnvironment env, OrtSession session, Path path) throws OrtException {
    this.env = env;
    this.session = session;
    this.path = path.toString();
    this.inputs = specs(session.getInputInfo());
    this.outputs = specs(session.getOutputInfo());
    this.signature =
        new ModelSignature(List.copyOf(inputs.values()), List.copyOf(outputs.values()));
    this.batchable = Stream.concat(inputs.values().stream(), outputs.values().stream())
        .allMatch(spec -> spec.shape().length > 0 && spec.shape()[0] == -1);
  }

  /**
   * Loads ONNX Runtime's native library, a few tenths of a second spent once per process;
   * called early, it runs while the rest of the gateway starts instead of before the first model.
   */
  public static void loadRuntime() {
    OrtEnvironment.getEnvironment();
  }

  /** Opens the file; fails with a message fit for the model's health report. */
  public static OnnxModel open(Path path, OnnxConfig config) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session;
    // The session keeps what it needs of its options.
    try (OrtSession.SessionOptions options = OnnxOptions.of(config)) {
      session = env.createSession(path.toString(), options);
    }
    try {
      return new OnnxModel(env, session, path);
    } catch (OrtException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  public ModelSignature signature() {
    return signature;
  }

  /** Whether requests can be joined along the first dimension: every tensor's is dynamic. */
  public boolean batchable() {
    return batchable;
  }

  /** Refuses a request that does not fit the model's signature, naming what is wrong. */
  public void check(InferRequest request) {
    requestedOutputs(request.outputs());
    for (Tensor input : request.inputs()) {
      check(input);
    }
    requireAllInputs(request.inputs());
  }

  /** Runs a request that passed {@link #check} and copies the outputs out. */
  public InferResult run(InferRequest request) {
    Set<String> wanted = requestedOutputs(request.outputs());
    List<TensorSpec> shapes = pinning ? pinnedOutputs(request.inputs(), wanted) : null;
    if (shapes == null) {
      return plainRun(request, wanted);
    }
    try {
      return new InferResult(pinned.get().run(session, request.inputs(), shapes));
    } catch (OrtException e) {
      // Either the request is at fault, and a plain run fails the same way, or the model's
      // outputs are not shaped as their declaration let us expect.
      InferResult result = plainRun(request, wanted);
      pinning = false;
      LOG.warn("Model {}: outputs are no longer written into kept tensors: a run doing so "
          + "failed where one with fresh tensors passed: {}", path, e.getMessage());
      return result;
    }
  }

  /** Whether runs still write outputs into kept tensors; for tests. */
  boolean pinsOutputs() {
    return pinning;
  }

  private PinnedTensors newPinned() {
    PinnedTensors tensors = new PinnedTensors(env);
    everyPinned.add(tensors);
    return tensors;
  }

  /**
   * The outputs' datatypes and shapes when the run can use {@link PinnedTensors}: each tensor
   * small enough, of a datatype with a buffer form, and each output's shape known before the
   * run, from its declaration and, when every first dimension is dynamic, the inputs' first
   * dimension; null otherwise.
   */
  private List<TensorSpec> pinnedOutputs(List<Tensor> request, Set<String> wanted) {
    long rows = -1;
    for (Tensor input : request) {
      if (!pinnable(input.datatype(), input.shape())) {
        return null;
      }
      if (batchable) {
        if (rows != -1 && input.shape()[0] != rows) {
          return null;
        }
        rows = input.shape()[0];
      }
    }
    List<TensorSpec> shapes = new ArrayList<>(wanted.size());
    for (String name : wanted) {
      TensorSpec declared = outputs.get(name);
      long[] shape = declared.shape().clone();
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] == -1 && i == 0 && batchable) {
          shape[i] = rows;
        } else if (shape[i] < 0) {
          return null;
        }
      }
      if (!pinnable(declared.datatype(), shape)) {
        return null;
      }
      shapes.add(new TensorSpec(name, declared.datatype(), shape));
    }
    return shapes;
  }

  private static boolean pinnable(DataType type, long[] shape) {
    if (!PinnedTensors.pinnable(type)) {
      return false;
    }
    long elements = Tensor.elementCount(shape);
    return elements > 0 && elements * type.size() <= PinnedTensors.MAX_BYTES;
  }

  private InferResult plainRun(InferRequest request, Set<String> wanted) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Tensor input : request.inputs()) {
        feeds.put(input.name(), OnnxTensors.toOnnx(env, input));
      }
      try (OrtSession.Result result = session.run(feeds, wanted)) {
        List<Tensor> tensors = new ArrayList<>(wanted.size());
        for (String name : wanted) {
          Optional<OnnxValue> value = result.get(name);
          if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
            throw new RequestFailure(RequestFailure.Kind.INTERNAL,
                "the model produced no tensor for output '" + name + "'");
          }
          tensors.add(OnnxTensors.fromOnnx(name, tensor));
        }
        return new InferResult(tensors);
      }
    } catch (OrtException e) {
      throw runFailure(e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws OrtException {
    everyPinned.forEach(PinnedTensors::close);
    session.close();
  }

  private void check(Tensor input) {
    TensorSpec spec = inputs.get(input.name());
    if (spec == null) {
      throw badRequest("unknown input '" + input.name() + "'; the model's inputs are "
          + String.join(", ", inputs.keySet()));
    }
    if (spec.datatype() != input.datatype()) {
      throw badRequest("input '" + input.name() + "' must be " + spec.datatype() + ", not "
          + input.datatype());
    }
    if (!fits(spec.shape(), input.shape())) {
      throw badRequest("input '" + input.name() + "' has shape " + Arrays.toString(input.shape())
          + ", the model takes " + Arrays.toString(spec.shape()) + " (-1: any size)");
    }
  }

  /** A scan of the request for each input, without a set: models have few inputs. */
  private void requireAllInputs(List<Tensor> given) {
    List<String> missing = null;
    for (String name : inputs.keySet()) {
      boolean found = false;
      for (Tensor input : given) {
        found |= input.name().equals(name);
      }
      if (!found) {
        missing = missing == null ? new ArrayList<>(1) : missing;
        missing.add(name);
      }
    }
    if (missing != null) {
      throw badRequest("missing input " + String.join(", ", missing));
    }
  }

  private Set<String> requestedOutputs(List<String> names) {
    if (names.isEmpty()) {
      return outputs.keySet();
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : names) {
      if (!outputs.containsKey(name)) {
        throw badRequest("unknown output '" + name + "'; the model's outputs are "
            + String.join(", ", outputs.keySet()));
      }
      wanted.add(name);
    }
    return wanted;
  }

  private static boolean fits(long[] declared, long[] actual) {
    if (declared.length != actual.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] >= 0 && declared[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * ONNX Runtime rejects some inputs only when it runs them; those are the client's fault. Any
   * other failure is the gateway's, for its caller to log and answer as such.
   */
  private static RuntimeException runFailure(OrtException e) {
    return switch (e.getCode()) {
      case ORT_INVALID_ARGUMENT ->
          badRequest("the model rejected the input: " + e.getMessage());
      default -> new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    };
  }

  private static RequestFailure badRequest(String message) {
    return RequestFailure.badRequest(message);
  }

  /** Tensor inputs and outputs only: maps and sequences have no form in the protocol. */
  private static Map<String, TensorSpec> specs(Map<String, NodeInfo> nodes) {
    return nodes.values().stream()
        .filter(node -> node.getInfo() instanceof TensorInfo)
        .flatMap(node -> {
          TensorInfo info = (TensorInfo) node.getInfo();
          return DataType.fromOnnx(info.onnxType).stream()
              .map(type -> new TensorSpec(node.getName(), type, info.getShape()));
        })
        .collect(Collectors.toMap(TensorSpec::name, spec -> spec, (a, b) -> a, LinkedHashMap::new));
  }
}
