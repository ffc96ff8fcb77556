package io.inferencegateway.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.data.columnar.FieldProcessor;
import org.tribuo.data.columnar.RowProcessor;
import org.tribuo.data.columnar.processors.field.DoubleFieldProcessor;
import org.tribuo.data.columnar.processors.response.FieldResponseProcessor;
import org.tribuo.data.csv.CSVDataSource;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * The Fisher Iris data set and the two Tribuo models trained on it, shared by the demo model
 * generator ({@link DemoModels}) and by gateway tests that compare served predictions with
 * in-process Tribuo predictions.
 * <p>
 * Training is deterministic: each call builds a fresh trainer with a fixed seed (a Tribuo trainer
 * advances its random state on every {@code train} call, so reusing one would not repeat itself),
 * and the rows are read in file order. Calling {@link #trainClassifier()} or {@link #trainRegressor()}
 * therefore returns the same weights that {@link DemoModels} exported to {@code conf/models}.
 */
public final class IrisData {

  /** Classpath location of the Iris CSV (header: sepal_length,sepal_width,petal_length,petal_width,species). */
  public static final String RESOURCE = "/iris.csv";

  /** Target column of the classifier. */
  public static final String SPECIES = "species";

  /** Target column of the regressor; also the name of its single output dimension. */
  public static final String PETAL_WIDTH = "petal_width";

  /** Seed of the classifier's trainer. */
  public static final long CLASSIFIER_SEED = 42L;

  /** Seed of the regressor's trainer. */
  public static final long REGRESSOR_SEED = 7L;

  /** Logging interval that turns off the trainers' loss log every 1000 steps. */
  private static final int NO_PROGRESS_LOG = -1;

  private static final List<String> MEASUREMENTS =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

  private IrisData() {
  }

  /** All 150 rows with the four measurements as features and {@code species} as the label. */
  public static MutableDataset<Label> classificationData() {
    return load(SPECIES, new LabelFactory(), false);
  }

  /** All 150 rows with sepal_length, sepal_width, petal_length as features and {@code petal_width} as the target. */
  public static MutableDataset<Regressor> regressionData() {
    // The response reaches RegressionFactory as "petal_width=0.2", which names the dimension
    // petal_width; a bare "0.2" would give it the default name DIM-0.
    return load(PETAL_WIDTH, new RegressionFactory(), true);
  }

  /**
   * Trains the {@code iris-classifier} demo model: multinomial logistic regression by SGD.
   * The features are not rescaled, because Tribuo exports a linear model's ONNX graph without its
   * feature transformations; raw centimetres train well enough on Iris (97% training-set accuracy
   * after 30 epochs, with minibatches of one example).
   */
  public static LinearSGDModel trainClassifier() {
    var trainer = new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
        new LogMulticlass(), new AdaGrad(0.5, 0.1), 30, NO_PROGRESS_LOG, 1, CLASSIFIER_SEED);
    return trainer.train(classificationData());
  }

  /**
   * Trains the {@code iris-regressor} demo model: least-squares linear regression of petal_width by SGD
   * (training-set RMSE about 0.2 cm after 50 epochs).
   */
  public static org.tribuo.regression.sgd.linear.LinearSGDModel trainRegressor() {
    var trainer = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
        new SquaredLoss(), new AdaGrad(0.1, 0.1), 50, NO_PROGRESS_LOG, 1, REGRESSOR_SEED);
    return trainer.train(regressionData());
  }

  /**
   * Feature names in the model's feature-ID order, which is the column order of its ONNX
   * {@code input} tensor (Tribuo assigns IDs alphabetically).
   */
  public static List<String> featureOrder(Model<?> model) {
    ImmutableFeatureMap features = model.getFeatureIDMap();
    List<String> names = new ArrayList<>(features.size());
    for (int id = 0; id < features.size(); id++) {
      names.add(features.get(id).getName());
    }
    return names;
  }

  /**
   * Label names in the classifier's output-ID order, which is the column order of its ONNX
   * {@code output}. Tribuo numbers labels in the iteration order of its label-count hash map, not in
   * order of appearance: for Iris this is virginica, setosa, versicolor.
   */
  public static List<String> labelOrder(Model<Label> model) {
    ImmutableOutputInfo<Label> labels = model.getOutputIDInfo();
    List<String> names = new ArrayList<>(labels.size());
    for (int id = 0; id < labels.size(); id++) {
      names.add(labels.getOutput(id).getLabel());
    }
    return names;
  }

  /** Target dimension names in the regressor's output-ID order, the column order of its ONNX {@code output}. */
  public static List<String> targetOrder(Model<Regressor> model) {
    ImmutableOutputInfo<Regressor> dimensions = model.getOutputIDInfo();
    List<String> names = new ArrayList<>(dimensions.size());
    for (int id = 0; id < dimensions.size(); id++) {
      // Each ID stands for one dimension; the Regressor it maps to carries that dimension's name.
      names.add(dimensions.getOutput(id).getNames()[0]);
    }
    return names;
  }

  /**
   * The examples' features as a dense row-major matrix in the model's feature-ID order: the
   * {@code input} tensor the exported ONNX model expects (FP32, as Tribuo's export uses floats).
   * A {@link org.tribuo.Dataset} is such an iterable.
   */
  public static <T extends Output<T>> float[][] inputMatrix(Model<T> model, Iterable<Example<T>> examples) {
    ImmutableFeatureMap features = model.getFeatureIDMap();
    List<float[]> rows = new ArrayList<>();
    for (Example<T> example : examples) {
      float[] row = new float[features.size()];
      for (Feature feature : example) {
        int id = features.getID(feature.getName());
        if (id >= 0) {
          row[id] = (float) feature.getValue();
        }
      }
      rows.add(row);
    }
    return rows.toArray(new float[0][]);
  }

  /**
   * Reads the CSV with one target column; every other measurement becomes a feature named after its
   * column (and species, when it is not the target, is dropped).
   *
   * @param prefixColumnName whether the response value reaches the factory as {@code column=value}
   */
  private static <T extends Output<T>> MutableDataset<T> load(String target, OutputFactory<T> factory,
                                boolean prefixColumnName) {
    Map<String, FieldProcessor> features = new LinkedHashMap<>();
    for (String column : MEASUREMENTS) {
      if (!column.equals(target)) {
        // onlyFieldName=true names the feature "sepal_length" rather than "sepal_length@value".
        features.put(column, new DoubleFieldProcessor(column, true, true));
      }
    }
    // uppercase=false keeps "setosa" as written in the file (the processor uppercases by default).
    var response = new FieldResponseProcessor<>(List.of(target), List.of(""), factory, prefixColumnName, false);
    var rows = new RowProcessor<>(response, features);
    return new MutableDataset<>(new CSVDataSource<>(csvPath(), rows, true));
  }

  /**
   * The CSV as a file: CSVDataSource reads files, so a resource packed in a jar is copied to a
   * temporary file first (from target/test-classes it is used in place).
   */
  private static Path csvPath() {
    URL url = IrisData.class.getResource(RESOURCE);
    if (url == null) {
      throw new IllegalStateException(RESOURCE + " is not on the classpath");
    }
    try {
      if ("file".equals(url.getProtocol())) {
        return Path.of(url.toURI());
      }
      Path copy = Files.createTempFile("iris", ".csv");
      copy.toFile().deleteOnExit();
      try (InputStream in = url.openStream()) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
