package io.inferencegateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A model's run cost is learned as a fixed part plus a part per element")
class RunCostTest {

  @Test
  void nothingIsExpectedBeforeTheFirstRun() {
    assertThat(new RunCost().expectedNanos(64)).isZero();
  }

  /** A small model: the run is mostly ONNX Runtime's overhead, whatever the rows. */
  @Test
  void runsOfTwoSizesGiveTheFixedAndThePerElementPart() {
    RunCost cost = new RunCost();
    for (int i = 0; i < 40; i++) {
      cost.ran(64, 10_000 + 64 * 50);
      cost.ran(512, 10_000 + 512 * 50);
    }
    assertThat(cost.expectedNanos(64)).isCloseTo(13_200, within(10L));
    assertThat(cost.expectedNanos(4096)).isCloseTo(10_000 + 4096 * 50, within(10L));
    assertThat(cost.expectedNanos(0)).isCloseTo(10_000, within(10L));
  }

  /** A batch of many rows costs less per row than one row alone: a row alone still costs its own. */
  @Test
  void batchedRunsDoNotMakeALoneRowLookCheap() {
    RunCost cost = new RunCost();
    cost.ran(256, 260_000);
    for (int i = 0; i < 40; i++) {
      cost.ran(16 * 256, 16 * 13_000);
    }
    assertThat(cost.expectedNanos(256)).as("one row after batches of sixteen")
        .isGreaterThan(16 * 13_000);
  }

  @Test
  void whileOneSizeHasRunASmallerRunIsExpectedToTakeAsLongAndALargerOneLonger() {
    RunCost cost = new RunCost();
    cost.ran(128, 8_000);
    assertThat(cost.expectedNanos(16)).isEqualTo(8_000);
    assertThat(cost.expectedNanos(128)).isEqualTo(8_000);
    assertThat(cost.expectedNanos(512)).isEqualTo(32_000);
  }

  /** A run the OS preempted counts as at most twice what was expected. */
  @Test
  void oneRunThatWasPreemptedMovesTheExpectationLittle() {
    RunCost cost = new RunCost();
    for (int i = 0; i < 40; i++) {
      cost.ran(64, 10_000);
    }
    cost.ran(64, 50_000_000);
    assertThat(cost.expectedNanos(64)).isLessThan(11_000);
  }

  @Test
  void aModelThatHasBecomeSlowerIsExpectedSlowerWithinAFewDozenRuns() {
    RunCost cost = new RunCost();
    for (int i = 0; i < 40; i++) {
      cost.ran(64, 10_000);
    }
    for (int i = 0; i < 60; i++) {
      cost.ran(64, 100_000);
    }
    assertThat(cost.expectedNanos(64)).isGreaterThan(90_000);
  }
}
