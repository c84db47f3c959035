package io.llmcanary.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MannWhitneyTest {

  @Test
  void thetaIsTheShareOfPairsWhereXExceedsScaledY() {
    assertThat(MannWhitney.of(new double[] {1, 2, 3}, new double[] {4, 5, 6}, 1).theta()).isZero();
    assertThat(MannWhitney.of(new double[] {7, 8, 9}, new double[] {4, 5, 6}, 1).theta()).isEqualTo(1.0);
    // 5 > {4}, 5 = {5}: 1 + 0.5 wins over 3 pairs.
    assertThat(MannWhitney.of(new double[] {5}, new double[] {4, 5, 6}, 1).theta()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void scaleMultipliesTheReference() {
    // Canary 1500 ms vs stable 1000 ms: above stable, not above 1.6x stable.
    assertThat(MannWhitney.of(new double[] {1500}, new double[] {1000}, 1).theta()).isEqualTo(1.0);
    assertThat(MannWhitney.of(new double[] {1500}, new double[] {1000}, 1.6).theta()).isZero();
  }

  @Test
  void nullVarianceIsTheExchangeableOne() {
    MannWhitney mw = MannWhitney.of(new double[] {1, 2, 3, 4}, new double[] {1.5, 2.5}, 1);
    assertThat(mw.nullVariance()).isCloseTo(7.0 / (12 * 4 * 2), within(1e-12));
    assertThat(mw.m()).isEqualTo(4);
    assertThat(mw.n()).isEqualTo(2);
  }

  @Test
  void sortedAndUnsortedInputsAgree() {
    double[] x = {3, 1, 2, 9, 4};
    double[] y = {2, 8, 1};
    MannWhitney a = MannWhitney.of(x, y, 1.2);
    MannWhitney b = MannWhitney.ofSorted(new double[] {1, 2, 3, 4, 9}, new double[] {1, 2, 8}, 1.2);
    assertThat(a).isEqualTo(b);
  }

  @Test
  void emptySamplesAreRejected() {
    assertThatThrownBy(() -> MannWhitney.of(new double[0], new double[] {1}, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
