package io.inferencegateway.demo;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.regression.evaluation.RegressionEvaluator;

/**
 * Regenerates the demo models under {@code <models dir>/<name>/1/model.onnx}:
 * {@code iris-classifier}, {@code iris-regressor} (Tribuo models trained on Iris, see {@link IrisData}),
 * {@code mlp}, {@code type-mix} and {@code datatypes} (hand-built graphs, see {@link TensorModels}).
 * <p>
 * Run with {@code mvn -q -B test-compile exec:java@demo-models}, which passes the absolute path of
 * {@code conf/models}. Every model comes from fixed seeds, so a rerun reproduces the same weights.
 * The two Tribuo files still change bytes on every run, because Tribuo's exporter embeds the training
 * provenance (timestamps, data path, JVM) in the model's metadata; their graphs stay identical.
 * Feature and label names are not stored in ONNX files; the orders printed here are what the
 * gateway's configuration must declare.
 */
public final class DemoModels {

  /** Version directory of every demo model. */
  private static final long VERSION = 1;

  private static final long MLP_SEED = 1234L;

  private DemoModels() {
  }

  /**
   * Writes the five models.
   *
   * @param args one argument: the models directory (created if missing)
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: DemoModels <models directory>");
      System.exit(2);
    }
    Path modelsDir = Path.of(args[0]).toAbsolutePath();

    LinearSGDModel classifier = IrisData.trainClassifier();
    Path classifierFile = save(classifier, modelsDir, "iris-classifier");
    double accuracy = new LabelEvaluator().evaluate(classifier, IrisData.classificationData()).accuracy();
    System.out.println("iris-classifier -> " + classifierFile);
    System.out.println("  input columns (feature order): " + IrisData.featureOrder(classifier));
    System.out.println("  output columns (label order):  " + IrisData.labelOrder(classifier));
    System.out.printf("  training-set accuracy: %.4f%n", accuracy);

    var regressor = IrisData.trainRegressor();
    Path regressorFile = save(regressor, modelsDir, "iris-regressor");
    double rmse = new RegressionEvaluator().evaluate(regressor, IrisData.regressionData()).averageRMSE();
    System.out.println("iris-regressor -> " + regressorFile);
    System.out.println("  input columns (feature order): " + IrisData.featureOrder(regressor));
    System.out.println("  output columns (target order): " + IrisData.targetOrder(regressor));
    System.out.printf("  training-set RMSE: %.4f%n", rmse);

    Path mlpFile = write(TensorModels.mlp(16, 64, 4, MLP_SEED), modelsDir, "mlp");
    System.out.println("mlp -> " + mlpFile);

    Path typeMixFile = write(TensorModels.typeMix(), modelsDir, "type-mix");
    System.out.println("type-mix -> " + typeMixFile);

    Path datatypesFile = write(TensorModels.datatypes(), modelsDir, "datatypes");
    System.out.println("datatypes -> " + datatypesFile);
  }

  /** Exports a Tribuo model with its own exporter, which also embeds the training provenance. */
  private static Path save(ONNXExportable model, Path modelsDir, String name) throws IOException {
    Path file = modelFile(modelsDir, name);
    model.saveONNXModel(TensorModels.DOMAIN, VERSION, file);
    return file;
  }

  private static Path write(OnnxMl.ModelProto model, Path modelsDir, String name) throws IOException {
    Path file = modelFile(modelsDir, name);
    Files.write(file, model.toByteArray());
    return file;
  }

  /** The model repository layout the gateway reads: one directory per model, one per version below it. */
  private static Path modelFile(Path modelsDir, String name) throws IOException {
    Path versionDir = Files.createDirectories(modelsDir.resolve(name).resolve(Long.toString(VERSION)));
    return versionDir.resolve("model.onnx");
  }
}
