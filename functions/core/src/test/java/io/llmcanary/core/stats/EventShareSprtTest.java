package io.llmcanary.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventShareSprtTest {

  static final double[] ABOVE = {1.5, 2, 3, 5};

  @Test
  void equalRatesPutErrorsOnCanaryInProportionToItsTraffic() {
    assertThat(EventShareSprt.canaryProbability(1, 0.05)).isCloseTo(0.05, within(1e-12));
    // Canary at 3x stable's rate with 5% of traffic: 0.15 / (0.15 + 0.95).
    assertThat(EventShareSprt.canaryProbability(3, 0.05)).isCloseTo(0.15 / 1.10, within(1e-12));
  }

  @Test
  void noErrorsMeansNoEvidence() {
    assertThat(EventShareSprt.logEvidence(0, 0, 0.05, 1, ABOVE)).isZero();
  }

  @Test
  void oneCanaryErrorAgainstAStableWithNoneIsWeakEvidence() {
    // The naive rule calls this "more than double"; here it is a likelihood ratio of a few, not hundreds.
    assertThat(Math.exp(EventShareSprt.logEvidence(1, 1, 0.05, 1, ABOVE))).isLessThan(10);
  }

  @Test
  void evidenceGrowsWithCanaryErrorsAndFallsWithStableErrors() {
    double base = EventShareSprt.logEvidence(10, 100, 0.05, 1, ABOVE);
    assertThat(EventShareSprt.logEvidence(11, 101, 0.05, 1, ABOVE)).isGreaterThan(base);
    assertThat(EventShareSprt.logEvidence(10, 101, 0.05, 1, ABOVE)).isLessThan(base);
  }

  @Test
  void weightsShiftEvidenceTowardsTheFavouredAlternative() {
    double[] alts = {2, 10};
    double even = EventShareSprt.logEvidence(20, 200, 0.05, 1, alts);
    double towardsTwo = EventShareSprt.logEvidence(20, 200, 0.05, 1, alts, new double[] {0.9, 0.1});
    assertThat(towardsTwo).isGreaterThan(even); // 20 of 200 is a 2x rate, not 10x
  }

  /** Same error rate on both versions, errors checked after each one, for 2,000 errors: crossings stay below alpha. */
  @Test
  void underEqualRatesTheTestWatchedAfterEveryErrorCrossesAtMostAlphaOfTheTime() {
    SplittableRandom rng = new SplittableRandom(3);
    double alpha = 0.05;
    int runs = 1000;
    int crossed = 0;
    for (int r = 0; r < runs; r++) {
      long canary = 0;
      for (long n = 1; n <= 2000; n++) {
        canary += rng.nextDouble() < 0.05 ? 1 : 0;
        if (EventShareSprt.logEvidence(canary, n, 0.05, 1, ABOVE) >= -Math.log(alpha)) {
          crossed++;
          break;
        }
      }
    }
    assertThat(crossed / (double) runs).isLessThanOrEqualTo(alpha);
  }
}
