package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.Fixtures.firstHour;
import static io.llmcanary.core.judge.Fixtures.lastHour;
import static io.llmcanary.core.judge.Fixtures.stage;
import static io.llmcanary.core.judge.Fixtures.typical;
import static io.llmcanary.core.judge.Fixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SequentialJudgeTest {

  static final Guardrails G = Guardrails.defaults();
  static final Guardrails NO_MINIMUMS = new Guardrails(0.90, 2.0, 1.5, 1.5, 0.95, 1.20, 1.30, 1.5, 0.005, 0.05,
      1, 1, 0.20, 20);

  final SequentialJudge judge = new SequentialJudge();

  static MetricRow row(Verdict v, String metric) {
    return v.rows().stream().filter(r -> r.metric().label().equals(metric)).findFirst().orElseThrow();
  }

  /** A day at 25%: identical versions, enough data for every question. */
  static JudgeInput identicalDay() {
    VersionStats stable = typical(108_000, 1440);
    VersionStats canary = typical(36_000, 1440);
    return new JudgeInput(stage(24, stable, canary), lastHour(24, typical(4500, 60), typical(1500, 60)));
  }

  // ------------------------------------------------------------------------------- the naive rule's failures

  @Test
  void oneUnluckyCanaryErrorAgainstAStableWithNoneIsNotARegression() {
    VersionStats stable = version(20_000, 0, 0.004, 6000, 0.85, 2000, 240);
    VersionStats canary = version(1_000, 1, 0.004, 300, 0.85, 2000, 240);
    JudgeInput in = new JudgeInput(stage(4, stable, canary), lastHour(4, version(5000, 0, 0.004, 1500, 0.85, 2000, 60),
        version(250, 1, 0.004, 75, 0.85, 2000, 60)));

    assertThat(judge.rollbackCheck(in, G).outcome()).isNotEqualTo(Outcome.REGRESSION);
    // Even with no absolute floor, one error is not credible evidence of a higher rate.
    Guardrails noFloor = new Guardrails(0.90, 2.0, 1.5, 1.5, 0.95, 1.20, 1.30, 1.5, 0.0, 0.05, 200, 50, 0.20, 20);
    Verdict v = judge.rollbackCheck(in, noFloor);
    assertThat(v.outcome()).isNotEqualTo(Outcome.REGRESSION);
    assertThat(row(v, "error_rate").detail()).contains("SPRT");
    // The seed's rule rolls this back: 0.1% > 2 x 0%.
    assertThat(new NaiveSeedPolicy().rollbackCheck(in, G).outcome()).isEqualTo(Outcome.REGRESSION);
  }

  @Test
  void theSamePointEstimatesOn12RequestsAreInconclusiveButOn12000AreARegression() {
    // Canary quality 0.5 against 0.85, every other metric identical.
    Function<Long, JudgeInput> withCanaryRequests = n -> {
      VersionStats stable = version(228_000, 0, 0.004, 68_400, 0.85, 2000, 1440);
      VersionStats canary = version(n, 0, 0.004, n / 3, 0.50, 2000, (int) Math.min(n, 1440));
      return new JudgeInput(stage(24, stable, canary), lastHour(24, stable, canary));
    };
    assertThat(judge.rollbackCheck(withCanaryRequests.apply(12L), G).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    // Not only the minimum samples: without them, 4 ratings are still not credible evidence.
    Verdict small = judge.rollbackCheck(withCanaryRequests.apply(12L), NO_MINIMUMS);
    assertThat(small.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(row(small, "avg_quality").detail()).contains("not yet credible");

    Verdict large = judge.rollbackCheck(withCanaryRequests.apply(12_000L), G);
    assertThat(large.outcome()).isEqualTo(Outcome.REGRESSION);
    assertThat(large.firstRegression().orElseThrow().metric()).isEqualTo(Metric.QUALITY);
  }

  @Test
  void aPlainlyBrokenCanaryRollsBackAtOnceOnTheHardCeiling() {
    // First check of a stage: 40 canary requests, half failed. Far below minRequests (200), no wait.
    VersionStats stable = version(760, 8, 0.004, 228, 0.85, 2000, 15);
    VersionStats canary = version(40, 20, 0.004, 6, 0.85, 2000, 15);
    Verdict v = judge.rollbackCheck(firstHour(0.25, stable, canary), G);

    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
    MetricRow errors = row(v, "error_rate");
    assertThat(errors.result()).isEqualTo(Outcome.REGRESSION);
    assertThat(errors.detail()).contains("hard ceiling").contains("20 of 40");
    assertThat(v.reason()).contains("error_rate").contains("50.0%").contains("40 canary requests")
        .contains("hard ceiling 20.0%");
    assertThat(judge.promotionGate(firstHour(0.25, stable, canary), G).outcome()).isEqualTo(Outcome.REGRESSION);
  }

  @Test
  void theHardCeilingNeedsItsMinimumRequests() {
    VersionStats stable = version(760, 8, 0.004, 228, 0.85, 2000, 15);
    VersionStats canary = version(19, 10, 0.004, 3, 0.85, 2000, 15);
    Verdict v = judge.rollbackCheck(firstHour(0.25, stable, canary), G);
    assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void aSharedOutageIsNotBlamedOnTheCanary() {
    VersionStats stable = version(9_500, 4_750, 0.004, 1400, 0.85, 2000, 60);
    VersionStats canary = version(500, 260, 0.004, 70, 0.85, 2000, 60);
    Verdict v = judge.rollbackCheck(firstHour(1, stable, canary), G);
    assertThat(v.outcome()).isNotEqualTo(Outcome.REGRESSION);
    assertThat(row(v, "error_rate").result()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(row(v, "error_rate").detail()).contains("shared outage");
  }

  @Test
  void aBrokenCanaryIsRolledBackEvenWhenStableDataIsMissing() {
    // The canary's own counts are data: 50% failures need no comparison.
    VersionStats canary = version(40, 20, 0.004, 6, 0.85, 2000, 15);
    Verdict v = judge.rollbackCheck(firstHour(0.25, VersionStats.EMPTY, canary), G);
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
    assertThat(v.reason()).contains("no stable requests");
  }

  // ------------------------------------------------------------------------------- missing data

  static Stream<Arguments> missingData() {
    VersionStats ok = typical(36_000, 1440);
    VersionStats nanQuality = new VersionStats(36_000, 360, 144, 10_800, Double.NaN, 2000, Fixtures.series(2000, 1440));
    VersionStats nanCost = new VersionStats(36_000, 360, Double.NaN, 10_800, 9180, 2000, Fixtures.series(2000, 1440));
    VersionStats noLatency = new VersionStats(36_000, 360, 144, 10_800, 9180, Double.NaN, List.of());
    VersionStats impossible = new VersionStats(100, 200, 0.4, 30, 25, 2000, Fixtures.series(2000, 60));
    return Stream.of(
        Arguments.of("no input at all", null),
        Arguments.of("no windows", new JudgeInput(null, null)),
        Arguments.of("empty windows", new JudgeInput(WindowStats.empty(null, null), WindowStats.empty(null, null))),
        Arguments.of("no canary requests", firstHour(1, ok, VersionStats.EMPTY)),
        Arguments.of("no stable requests", firstHour(1, VersionStats.EMPTY, ok)),
        Arguments.of("NaN quality sum", firstHour(24, ok, nanQuality)),
        Arguments.of("NaN cost sum", firstHour(24, nanCost, ok)),
        Arguments.of("no latency at all", firstHour(24, ok, noLatency)),
        Arguments.of("more errors than requests", firstHour(24, ok, impossible)),
        Arguments.of("no last hour", new JudgeInput(stage(24, ok, ok), null)),
        Arguments.of("empty last hour", new JudgeInput(stage(24, ok, ok), lastHour(24, VersionStats.EMPTY, VersionStats.EMPTY))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingData")
  void missingOrPartialDataIsInconclusiveNeverARollbackOrAPromotion(String name, JudgeInput in) {
    Verdict rollback = judge.rollbackCheck(in, G);
    Verdict gate = judge.promotionGate(in, G);
    assertThat(rollback.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(gate.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(rollback.rows()).hasSize(6);
    assertThat(rollback.reason()).isNotBlank().doesNotContain("NaN");
  }

  @Test
  void nothingIsHealthyWhileTheMinimumsAreNotMet() {
    // Identical versions, first 15 minutes of a 5% stage: 75 canary requests, 23 ratings.
    Verdict v = judge.rollbackCheck(firstHour(0.25, typical(1425, 15), typical(75, 15)), G);
    assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(row(v, "avg_quality").detail()).contains("23 canary ratings (minimum 50)");
    assertThat(row(v, "error_rate").detail()).contains("75 canary requests (minimum 200)");
  }

  // ------------------------------------------------------------------------------- healthy, gate

  @Test
  void identicalVersionsOverADayAreHealthyAndPromotable() {
    Verdict rollback = judge.rollbackCheck(identicalDay(), G);
    Verdict gate = judge.promotionGate(identicalDay(), G);
    assertThat(rollback.outcome()).as(rollback.table()).isEqualTo(Outcome.HEALTHY);
    assertThat(gate.outcome()).as(gate.table()).isEqualTo(Outcome.HEALTHY);
    assertThat(gate.kind()).isEqualTo(Verdict.Kind.PROMOTION_GATE);
    assertThat(gate.reason()).startsWith("promotable").contains("36000 canary");
  }

  @Test
  void theGateRejectsACanaryCrediblyBelowItsQualityGateThatTheRollbackCheckTolerates() {
    // 0.79 / 0.85 = 93%: inside the 90% rollback threshold, outside the 95% gate.
    VersionStats stable = typical(108_000, 1440);
    VersionStats canary = version(36_000, 360, 0.004, 10_800, 0.79, 2000, 1440);
    JudgeInput in = new JudgeInput(stage(24, stable, canary), lastHour(24, typical(4500, 60),
        version(1500, 15, 0.004, 450, 0.79, 2000, 60)));
    assertThat(judge.rollbackCheck(in, G).outcome()).isNotEqualTo(Outcome.REGRESSION);
    Verdict gate = judge.promotionGate(in, G);
    assertThat(gate.outcome()).isEqualTo(Outcome.REGRESSION);
    assertThat(gate.firstRegression().orElseThrow().metric()).isEqualTo(Metric.QUALITY);
    assertThat(gate.reason()).startsWith("do not promote: avg_quality 0.790 vs stable 0.850");
  }

  @Test
  void theGateWaitsWhenEvidenceIsThinNearItsThreshold() {
    // 0.80 / 0.85 = 94% on 300 ratings: neither credibly inside nor outside the 95% gate.
    VersionStats stable = typical(20_000, 240);
    VersionStats canary = version(1000, 10, 0.004, 300, 0.80, 2000, 240);
    Verdict gate = judge.promotionGate(new JudgeInput(stage(4, stable, canary), lastHour(4, stable, canary)), G);
    assertThat(gate.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(row(gate, "avg_quality").result()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  // ------------------------------------------------------------------------------- each metric

  @Test
  void theLastHourCatchesASuddenBreakThatTheStageWindowDilutes() {
    // 20 hours of a good canary, then its quality collapses to 0.40 in the last hour.
    VersionStats stableStage = typical(114_000, 1200);
    VersionStats canaryStage = version(6000, 60, 0.004, 1800, (1710 * 0.85 + 90 * 0.40) / 1800, 2000, 1200);
    VersionStats stableHour = typical(5700, 60);
    VersionStats canaryHour = version(300, 3, 0.004, 90, 0.40, 2000, 60);
    JudgeInput in = new JudgeInput(stage(20, stableStage, canaryStage), lastHour(20, stableHour, canaryHour));
    Verdict v = judge.rollbackCheck(in, G);
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
    MetricRow q = row(v, "avg_quality");
    assertThat(q.detail()).startsWith("last hour");
    assertThat(q.canary()).isEqualTo(0.40, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(v.reason()).contains("last hour").contains("90 vs 1710 ratings");
  }

  @Test
  void latencyIsJudgedOnThePerPeriodP95sAgainstTheThresholdScaledStable() {
    VersionStats stable = typical(20_000, 240);
    VersionStats slow = version(1000, 10, 0.004, 300, 0.85, 4000, 240);
    Verdict v = judge.rollbackCheck(new JudgeInput(stage(4, stable, slow), lastHour(4, typical(5000, 60),
        version(250, 2, 0.004, 75, 0.85, 4000, 60))), G);
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
    assertThat(row(v, "p95_latency").result()).isEqualTo(Outcome.REGRESSION);
    assertThat(row(v, "p95_latency").detail()).contains("Mann-Whitney on 240 vs 240");

    // 30% slower: within the 150% rollback threshold, outside the 120% gate.
    VersionStats slower = version(1000, 10, 0.004, 300, 0.85, 2600, 240);
    JudgeInput in = new JudgeInput(stage(4, stable, slower), lastHour(4, stable, slower));
    assertThat(row(judge.rollbackCheck(in, G), "p95_latency").result()).isEqualTo(Outcome.HEALTHY);
    assertThat(row(judge.promotionGate(in, G), "p95_latency").result()).isEqualTo(Outcome.REGRESSION);
  }

  @Test
  void costRegressesOnlyWhenPastItsThresholdAndCredible() {
    VersionStats stable = typical(20_000, 240);
    JudgeInput doubled = firstHour(4, stable, version(1000, 10, 0.008, 300, 0.85, 2000, 240));
    assertThat(row(judge.rollbackCheck(doubled, G), "avg_cost").result()).isEqualTo(Outcome.REGRESSION);
    // +20%: inside both thresholds, but with cost's conservative variance bound (CV <= 2) 1,000 requests
    // cannot show it within the 130% gate; 20,000 can.
    JudgeInput plus20 = firstHour(4, stable, version(1000, 10, 0.0048, 300, 0.85, 2000, 240));
    assertThat(row(judge.rollbackCheck(plus20, G), "avg_cost").result()).isNotEqualTo(Outcome.REGRESSION);
    assertThat(row(judge.promotionGate(plus20, G), "avg_cost").result()).isEqualTo(Outcome.INCONCLUSIVE);
    JudgeInput plus20OnMore = firstHour(24, typical(60_000, 1440), version(20_000, 200, 0.0048, 6000, 0.85, 2000, 1440));
    assertThat(row(judge.rollbackCheck(plus20OnMore, G), "avg_cost").result()).isEqualTo(Outcome.HEALTHY);
    assertThat(row(judge.promotionGate(plus20OnMore, G), "avg_cost").result()).isEqualTo(Outcome.HEALTHY);
  }

  @Test
  void twoFreeVersionsCanBeHealthyOnCost() {
    VersionStats stable = version(108_000, 1080, 0, 32_400, 0.85, 2000, 1440);
    VersionStats canary = version(36_000, 360, 0, 10_800, 0.85, 2000, 1440);
    assertThat(row(judge.rollbackCheck(firstHour(24, stable, canary), G), "avg_cost").result())
        .isEqualTo(Outcome.HEALTHY);
    VersionStats paidCanary = version(36_000, 360, 0.004, 10_800, 0.85, 2000, 1440);
    assertThat(row(judge.rollbackCheck(firstHour(24, stable, paidCanary), G), "avg_cost").result())
        .isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void errorRateTripledOnEnoughTrafficIsARegressionNamedByTheReason() {
    VersionStats stable = typical(57_000, 600);
    VersionStats canary = version(3_000, 90, 0.004, 900, 0.85, 2000, 600);
    Verdict v = judge.rollbackCheck(new JudgeInput(stage(10, stable, canary), lastHour(10, typical(5700, 60),
        version(300, 9, 0.004, 90, 0.85, 2000, 60))), G);
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
    assertThat(v.reason()).isEqualTo("roll back: error_rate 3.0% vs stable 1.0% (+200.0%) on 3000 vs 57000 requests "
        + "since stage start: rollback if > 2x stable and > stable + 0.5%, credible at 99.25% under continuous monitoring");
  }

  // ------------------------------------------------------------------------------- shape of the verdict

  @Test
  void everyVerdictHasTheSixMetricRowsInTableOrderEachExplained() {
    for (Verdict v : List.of(judge.rollbackCheck(identicalDay(), G), judge.promotionGate(identicalDay(), G),
        judge.rollbackCheck(null, G))) {
      assertThat(v.rows()).extracting(r -> r.metric().label())
          .containsExactly("avg_quality", "judge_score", "check_failures", "p95_latency", "avg_cost", "error_rate");
      assertThat(v.rows()).allSatisfy(r -> {
        assertThat(r.detail()).isNotBlank();
        assertThat(r.threshold()).isNotBlank();
      });
    }
    MetricRow q = row(judge.rollbackCheck(identicalDay(), G), "avg_quality");
    assertThat(q.stableSamples()).isEqualTo(32_400);
    assertThat(q.canarySamples()).isEqualTo(10_800);
    assertThat(q.threshold()).isEqualTo("rollback if < 90% of stable");
    // Feedback has half the quality group's alpha (0.05 / 5 / 2), three quarters of it for the stage window.
    assertThat(q.detail()).contains("mixture-SPRT").contains("99.63%");
  }

  @Test
  void theLookIndexCountsFifteenMinuteChecksSinceTheStageBegan() {
    VersionStats v = typical(100, 1);
    assertThat(SequentialJudge.lookIndex(stage(0.25, v, v), lastHour(0.25, v, v))).isEqualTo(1);
    assertThat(SequentialJudge.lookIndex(stage(24, v, v), lastHour(24, v, v))).isEqualTo(96);
    assertThat(SequentialJudge.lookIndex(stage(1.1, v, v), lastHour(1.1, v, v))).isEqualTo(5);
    WindowStats noTimes = new WindowStats(null, null, v, v);
    assertThat(SequentialJudge.lookIndex(noTimes, noTimes)).isEqualTo(SequentialJudge.UNKNOWN_LOOK);
    WindowStats backwards = new WindowStats(Instant.parse("2026-11-27T00:00:00Z"), Fixtures.STAGE_START, v, v);
    assertThat(SequentialJudge.lookIndex(backwards, backwards)).isEqualTo(SequentialJudge.UNKNOWN_LOOK);
  }

  @Test
  void aNonPositiveCostBoundIsRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SequentialJudge(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
