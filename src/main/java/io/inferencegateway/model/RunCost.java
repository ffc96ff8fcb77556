package io.inferencegateway.model;

/**
 * How long a model's run takes for a number of input elements, learned from its recent runs: a
 * fixed part (a small model's run is mostly ONNX Runtime's own overhead) plus a part per element
 * (most of a large model's run), fitted by least squares over the runs, the newest weighing most.
 * Runs of one request and batched runs are points on the same line, so a batch of many rows does
 * not make a lone row look cheaper than it is. Until runs of two different sizes have been seen,
 * a run is expected to take at least as long as the runs seen, and longer in proportion to a
 * larger input. Written by whichever thread ran the model; read by any.
 */
final class RunCost {

  /** The weight of the newest run once sixteen have run: about the last sixteen make the fit. */
  private static final double WEIGHT = 1.0 / 16;

  /**
   * The expected time of a run as {@code fixedNanos + nanosPerElement * elements}; while a single
   * size has been seen ({@code sizeSeen} above 0), a run of at most that size takes
   * {@code fixedNanos} and a larger one {@code nanosPerElement} per element.
   */
  private record Line(double fixedNanos, double nanosPerElement, double sizeSeen) {
  }

  /** Below this spread of sizes (variance over mean square), the runs count as one size. */
  private static final double ONE_SIZE = 0.01;

  /** Weighted means of the elements, the times, their squares and their products. */
  private double elements;
  private double nanos;
  private double elementsSquared;
  private double product;
  private long runs;
  private volatile Line line;

  /** A run of {@code elements} input elements that took {@code tookNanos}. */
  synchronized void ran(long elements, long tookNanos) {
    double x = elements;
    // A run the OS preempted can take a thousand times its usual time: one counts at most twice
    // what the fit expects, and a model that has really become slower still lifts it run by run.
    double y = line == null ? tookNanos : Math.min(tookNanos, 2.0 * expectedNanos(elements) + 1);
    // The first runs' plain mean, then a moving one.
    double weight = Math.max(WEIGHT, 1.0 / ++runs);
    this.elements += weight * (x - this.elements);
    this.nanos += weight * (y - this.nanos);
    this.elementsSquared += weight * (x * x - this.elementsSquared);
    this.product += weight * (x * y - this.product);
    double variance = elementsSquared - this.elements * this.elements;
    if (variance <= ONE_SIZE * elementsSquared) {
      // Nothing tells the fixed part from the per-element part.
      line = new Line(nanos, nanos / Math.max(1, this.elements), Math.max(1, this.elements));
    } else {
      double slope = Math.max(0, (product - this.elements * nanos) / variance);
      line = new Line(Math.max(0, nanos - slope * this.elements), slope, 0);
    }
  }

  /** The expected run time of {@code elements} input elements; 0 before any run. */
  long expectedNanos(long elements) {
    Line fit = line;
    if (fit == null) {
      return 0;
    }
    if (fit.sizeSeen() > 0) {
      return (long) (elements <= fit.sizeSeen() ? fit.fixedNanos()
          : fit.nanosPerElement() * elements);
    }
    return (long) (fit.fixedNanos() + fit.nanosPerElement() * elements);
  }
}
