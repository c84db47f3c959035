package io.llmcanary.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmcanary.core.metrics.VersionStats;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrafficModelTest {

  private static VersionStats day(VersionTruth stable, VersionTruth canary, double share, boolean wantCanary) {
    TrafficModel t = new TrafficModel(100, 0.5);
    SplittableRandom rnd = new SplittableRandom(42);
    WindowAccumulator s = new WindowAccumulator();
    WindowAccumulator c = new WindowAccumulator();
    WindowAccumulator.Minute ms = new WindowAccumulator.Minute();
    WindowAccumulator.Minute mc = new WindowAccumulator.Minute();
    for (int m = 0; m < 1440; m++) {
      ms.reset();
      mc.reset();
      t.minute(m, share, stable, canary, rnd, ms, mc);
      s.add(ms);
      c.add(mc);
    }
    return wantCanary ? c.stats() : s.stats();
  }

  @Test
  void aDayOfDefaultTrafficMatchesTheTruthModel() {
    VersionTruth truth = VersionTruth.defaultStable();
    VersionStats st = day(truth, truth, 0.0, false);
    assertThat(st.requests()).isBetween(140_000L, 148_000L); // 100/min over 1440 min
    assertThat(st.errorRate()).isCloseTo(0.01, within(0.002));
    assertThat((double) st.qualityCount() / (st.requests() - st.errors())).isCloseTo(0.02, within(0.002));
    assertThat(st.meanQuality()).isCloseTo(0.85, within(0.02));
    assertThat(st.checkFailureRate()).isCloseTo(0.01, within(0.002));
    assertThat(st.meanCost()).isCloseTo(0.004, within(0.0002));
    assertThat(st.latencyP95Ms()).isCloseTo(2000, within(60.0));
    assertThat(st.latencyP95Series()).hasSize(1440);
  }

  @Test
  void theCanaryGetsItsShareOfTraffic() {
    VersionTruth truth = VersionTruth.defaultStable();
    VersionStats canary = day(truth, truth, 0.05, true);
    assertThat(canary.requests()).isBetween(6_600L, 7_800L);
  }

  @Test
  void aScenarioChangesOnlyTheCanarysNamedQuantity() {
    VersionTruth s = VersionTruth.defaultStable();
    assertThat(Scenario.QUALITY_20.canary(s).quality()).isCloseTo(0.68, within(1e-9));
    assertThat(Scenario.QUALITY_20.canary(s).errorRate()).isEqualTo(s.errorRate());
    assertThat(Scenario.ERRORS_3X.canary(s).errorRate()).isCloseTo(0.03, within(1e-9));
    assertThat(Scenario.COST_50.canary(s).meanCost()).isCloseTo(s.meanCost() * 1.5, within(1e-12));
    assertThat(Scenario.LATENCY_50.canary(s).latencyMedianMs()).isEqualTo(1800);
    assertThat(Scenario.AA.canary(s)).isEqualTo(s);
    assertThat(Scenario.QUALITY_15.canary(s).quality()).isCloseTo(0.7225, within(1e-9));
    assertThat(Scenario.QUALITY_15.canary(s).qualityObserved()).isEqualTo(s.qualityObserved());
    assertThat(Scenario.HEALTHY.canary(s).quality()).isGreaterThan(s.quality());
    assertThat(Scenario.HEALTHY.canary(s).meanCost()).isLessThan(s.meanCost());
  }

  @Test
  void histogramPercentilesAreWithinOnePercent() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 10_000; i++) {
      h.add(i);
    }
    assertThat(h.quantile(0.95)).isCloseTo(9500, within(95.0));
    assertThat(h.quantile(0.5)).isCloseTo(5000, within(50.0));
    assertThat(new LatencyHistogram().quantile(0.95)).isNaN();
  }

  @Test
  void withFewUsersTheCanaryShareIsWhatTheRealAssignmentGivesThem() {
    int[] buckets = RolloutSimulation.userBuckets(40, "sim-3");
    double share = RolloutSimulation.canaryShare(5, buckets);
    assertThat(share * 40).isEqualTo(Math.rint(share * 40)); // whole users
    assertThat(RolloutSimulation.canaryShare(100, buckets)).isEqualTo(1.0);
    assertThat(RolloutSimulation.canaryShare(5, new int[0])).isEqualTo(0.05);
  }
}
