package io.llmcanary.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmcanary.core.metrics.VersionStats;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulatedJudgeTest {

  private static final VersionTruth STABLE = VersionTruth.defaultStable();

  /** A day at a fixed canary share through the traffic model with the judge, flat traffic, no hourly cap. */
  private static VersionStats[] day(SimulatedJudge judge, VersionTruth canary, double share) {
    TrafficModel traffic = new TrafficModel(100, 0);
    SplittableRandom rnd = new SplittableRandom(42);
    WindowAccumulator s = new WindowAccumulator();
    WindowAccumulator c = new WindowAccumulator();
    WindowAccumulator.Minute ms = new WindowAccumulator.Minute();
    WindowAccumulator.Minute mc = new WindowAccumulator.Minute();
    long[] budget = {Long.MAX_VALUE};
    for (int m = 0; m < 1440; m++) {
      ms.reset();
      mc.reset();
      traffic.minute(m, share, STABLE, canary, judge, budget, rnd, ms, mc);
      s.add(ms);
      c.add(mc);
    }
    return new VersionStats[] {s.stats(), c.stats()};
  }

  @Test
  void absoluteModeGradesCanarysSampleAndAsManyStableAnswersWithTheJudgesNoise() {
    SimulatedJudge judge = SimulatedJudge.DEFAULT.withMode(SimulatedJudge.Mode.ABSOLUTE).withSampleRate(0.5);
    VersionStats[] d = day(judge, STABLE, 0.05);
    long canaryOk = d[1].requests() - d[1].errors();
    assertThat((double) d[1].judge().count() / canaryOk).isCloseTo(0.5, within(0.03));
    assertThat((double) d[0].judge().count() / d[1].judge().count()).isCloseTo(1.0, within(0.1));
    // 80% agreement: a pass is seen with probability 0.8 * 0.85 + 0.2 * 0.15 = 0.71.
    assertThat(d[0].judge().mean()).isCloseTo(0.71, within(0.03));
    assertThat(d[1].preference().count()).isZero();
  }

  @Test
  void pairwiseModeComparesEachSampledCanaryAnswerWithAShadowStableAnswer() {
    VersionStats[] same = day(SimulatedJudge.DEFAULT, STABLE, 0.05);
    assertThat(same[1].preference().count()).isPositive();
    assertThat(same[0].preference().count()).isZero();
    assertThat(same[0].judge().count()).isZero();
    assertThat(same[1].preference().mean()).isCloseTo(0.5, within(0.015));

    VersionStats[] worse = day(SimulatedJudge.DEFAULT, STABLE.withQuality(0.68), 0.05);
    double expected = SimulatedJudge.DEFAULT.expectedPreference(0.68, 0.85);
    assertThat(expected).isLessThan(0.47);
    assertThat(worse[1].preference().mean()).isCloseTo(expected, within(0.015));
  }

  @Test
  void aPerfectJudgeWithFullyCoupledAnswersNeverPrefersTheWorseVersion() {
    SimulatedJudge perfect = SimulatedJudge.DEFAULT.withAgreement(1).withPromptEffect(1);
    double[] p = perfect.comparisonOutcomes(0.68, 0.85);
    assertThat(p[0]).isZero();
    assertThat(p[1]).isCloseTo(0.17, within(1e-12));
  }

  @Test
  void theHourlyCapBoundsJudgedAnswers() {
    SimulatedJudge judge = SimulatedJudge.DEFAULT.withSampleRate(1);
    long[] budget = {10};
    WindowAccumulator.Minute ms = new WindowAccumulator.Minute();
    WindowAccumulator.Minute mc = new WindowAccumulator.Minute();
    SplittableRandom rnd = new SplittableRandom(1);
    for (int m = 0; m < 60; m++) {
      new TrafficModel(1000, 0).minute(m, 0.5, STABLE, STABLE, judge, budget, rnd, ms, mc);
    }
    assertThat(budget[0]).isZero();
  }

  @Test
  void judgedAnswersStayWithinTwiceTheCanarysRequests() {
    SimulatedJudge judge = SimulatedJudge.DEFAULT.withMode(SimulatedJudge.Mode.ABSOLUTE).withSampleRate(1);
    VersionStats[] d = day(judge, STABLE, 0.05);
    assertThat(d[0].judge().count() + d[1].judge().count()).isLessThanOrEqualTo(2 * d[1].requests());
  }
}
