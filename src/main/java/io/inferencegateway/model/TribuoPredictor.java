package io.inferencegateway.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferencegateway.config.OnnxConfig;
import io.inferencegateway.config.OutputKind;
import io.inferencegateway.config.PredictMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.interop.onnx.DenseTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;
import org.tribuo.interop.onnx.OutputTransformer;
import org.tribuo.interop.onnx.RegressorTransformer;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Serves named features through Tribuo's {@link ONNXExternalModel}, which maps feature names to
 * input columns and output columns to labels or regression targets.
 */
public final class TribuoPredictor<T extends Output<T>> implements AutoCloseable {

  private final ONNXExternalModel<T> model;
  private final OutputFactory<T> factory;
  private final List<String> features;
  private final Function<Prediction<T>, Object> encoder;

  private TribuoPredictor(ONNXExternalModel<T> model, OutputFactory<T> factory,
      List<String> features, Function<Prediction<T>, Object> encoder) {
    this.model = model;
    this.factory = factory;
    this.features = features;
    this.encoder = encoder;
  }

  /**
   * Opens a second session on the file for Tribuo, with the model's session settings;
   * {@code inputName} is the model's one input.
   */
  public static TribuoPredictor<?> open(Path path, String inputName, PredictMapping mapping,
      OnnxConfig onnx) throws OrtException {
    if (mapping.kind() == OutputKind.CLASSIFICATION) {
      return open(path, inputName, mapping, onnx, new LabelFactory(), new LabelTransformer(true),
          indexOf(mapping.outputs(), Label::new), TribuoPredictor::classification);
    }
    return open(path, inputName, mapping, onnx, new RegressionFactory(),
        new RegressorTransformer(),
        indexOf(mapping.outputs(), name -> new Regressor(name, Double.NaN)),
        TribuoPredictor::regression);
  }

  private static <T extends Output<T>> TribuoPredictor<T> open(Path path, String inputName,
      PredictMapping mapping, OnnxConfig onnx, OutputFactory<T> factory,
      OutputTransformer<T> transformer, Map<T, Integer> outputIds,
      Function<Prediction<T>, Object> encoder) throws OrtException {
    // Tribuo's model owns the options from here on and closes them with its session.
    OrtSession.SessionOptions options = OnnxOptions.of(onnx);
    try {
      ONNXExternalModel<T> model = ONNXExternalModel.createOnnxModel(factory,
          indexOf(mapping.features(), name -> name), outputIds, new DenseTransformer(),
          transformer, options, path, inputName);
      return new TribuoPredictor<>(model, factory, mapping.features(), encoder);
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  /** Closes Tribuo's session and its options. */
  @Override
  public void close() {
    model.close();
  }

  /** Predicts every instance in one batch; each instance must name exactly the model's features. */
  public PredictResult predict(PredictRequest request) {
    List<Example<T>> examples = new ArrayList<>(request.instances().size());
    for (int i = 0; i < request.instances().size(); i++) {
      examples.add(example(i, request.instances().get(i)));
    }
    JsonArray predictions = new JsonArray();
    for (Prediction<T> prediction : model.predict(examples)) {
      predictions.add(encoder.apply(prediction));
    }
    return new PredictResult(predictions);
  }

  private Example<T> example(int index, Map<String, Double> instance) {
    String[] names = new String[features.size()];
    double[] values = new double[features.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = features.get(i);
      Double value = instance.get(names[i]);
      if (value == null) {
        throw badInstance(index, "lacks feature '" + names[i] + "'");
      }
      values[i] = value;
    }
    if (instance.size() != names.length) {
      String unknown = instance.keySet().stream().filter(name -> !features.contains(name))
          .findFirst().orElseThrow();
      throw badInstance(index, "has unknown feature '" + unknown + "'");
    }
    return new ArrayExample<>(factory.getUnknownOutput(), names, values);
  }

  private RequestFailure badInstance(int index, String problem) {
    return RequestFailure.badRequest("instances[" + index + "] "
        + problem + "; the model's features are " + String.join(", ", features));
  }

  private static Object classification(Prediction<Label> prediction) {
    JsonObject scores = new JsonObject();
    prediction.getOutputScores().forEach((label, scored) -> scores.put(label, scored.getScore()));
    return new JsonObject()
        .put("label", prediction.getOutput().getLabel())
        .put("scores", scores);
  }

  /** A single target is a plain number, as other V1 servers answer; several are named. */
  private static Object regression(Prediction<Regressor> prediction) {
    Regressor output = prediction.getOutput();
    if (output.size() == 1) {
      return output.getValues()[0];
    }
    JsonObject values = new JsonObject();
    String[] names = output.getNames();
    double[] numbers = output.getValues();
    for (int i = 0; i < names.length; i++) {
      values.put(names[i], numbers[i]);
    }
    return values;
  }

  private static <K> Map<K, Integer> indexOf(List<String> names, Function<String, K> key) {
    Map<K, Integer> ids = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      ids.put(key.apply(names.get(i)), i);
    }
    return ids;
  }
}
