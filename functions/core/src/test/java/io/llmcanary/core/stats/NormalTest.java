package io.llmcanary.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NormalTest {

  @Test
  void cdfMatchesTabulatedValues() {
    assertThat(Normal.cdf(0)).isCloseTo(0.5, within(1e-9));
    assertThat(Normal.cdf(1.959963984540054)).isCloseTo(0.975, within(1e-7));
    assertThat(Normal.cdf(-1.6448536269514722)).isCloseTo(0.05, within(1e-8));
    assertThat(Normal.cdf(-3)).isCloseTo(0.0013498980316301, within(1e-9));
    assertThat(Normal.cdf(5)).isCloseTo(1 - 2.866515718791939e-7, within(1e-12));
  }

  @Test
  void cdfIsContinuousWhereTheTwoAlgorithmsMeet() {
    double edge = 2.5 * Math.sqrt(2);
    // Φ(−2.5√2) = erfc(2.5)/2; the density there is 7.7e-4, so ±1e-9 moves Φ by 1.5e-12.
    assertThat(Normal.cdf(-edge + 1e-9)).isCloseTo(Normal.cdf(-edge - 1e-9), within(2e-12));
    assertThat(Normal.cdf(-edge)).isCloseTo(2.0347600872247946e-4, within(1e-17));
    assertThat(Normal.cdf(-edge - 1e-9)).isCloseTo(2.0347600872247946e-4, within(2e-12));
  }

  @Test
  void logCdfStaysFiniteFarInTheLowerTailWhereTheCdfUnderflows() {
    assertThat(Normal.cdf(-40)).isZero();
    // log Φ(-40) = -804.608...: −x²/2 − log(−x) − log√(2π), to a relative 1e-6.
    double expected = -800 - Math.log(40) - 0.5 * Math.log(2 * Math.PI) + Math.log1p(-1.0 / 1600);
    assertThat(Normal.logCdf(-40)).isCloseTo(expected, within(1e-3));
    assertThat(Normal.logCdf(-2)).isCloseTo(Math.log(0.022750131948179), within(1e-7));
    assertThat(Normal.logCdf(3)).isCloseTo(Math.log(0.998650101968370), within(1e-9));
  }
}
