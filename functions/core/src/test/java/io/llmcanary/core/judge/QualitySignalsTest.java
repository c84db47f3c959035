package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.Fixtures.lastHour;
import static io.llmcanary.core.judge.Fixtures.stage;
import static io.llmcanary.core.judge.Fixtures.version;
import static io.llmcanary.core.judge.SequentialJudgeTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import org.junit.jupiter.api.Test;

/**
 * The three quality signals as separate rows (docs/architecture.md#quality-signals): check failures as a rate with exact counts,
 * user feedback, and the quality judge (absolute grades or pairwise preferences); how the quality rows combine.
 */
class QualitySignalsTest {

  private static final Guardrails G = Guardrails.defaults();
  private final SequentialJudge judge = new SequentialJudge();

  /** A day at 5%, feedback on 2% of answers, 1% check failures on both, 1% errors. */
  private static VersionStats day(long requests, double quality, long checkFailures) {
    return version(requests, requests / 100, 0.004, Math.round(requests * 0.02), quality, 2000, 288)
        .withCheckFailures(checkFailures);
  }

  /** Binary grades: {@code n} answers, {@code good} of them graded 1. */
  private static ScoreStats grades(long n, long good) {
    return new ScoreStats(n, good, good);
  }

  /** Pairwise outcomes: canary won {@code wins}, lost {@code losses}, the rest tied (½). */
  private static ScoreStats preferences(long n, long wins, long losses) {
    long ties = n - wins - losses;
    return new ScoreStats(n, wins + 0.5 * ties, wins + 0.25 * ties);
  }

  private static JudgeInput dayAt5(VersionStats stable, VersionStats canary) {
    VersionStats hs = version(5700, 57, 0.004, 114, stable.meanQuality(), 2000, 12);
    VersionStats hc = version(300, 3, 0.004, 6, canary.meanQuality(), 2000, 12);
    return new JudgeInput(stage(24, stable, canary), lastHour(24, hs, hc));
  }

  @Test
  void checkFailuresAreTheirOwnRateRowAndRollBackOnTheirOwnCounts() {
    VersionStats stable = day(136_800, 0.85, 1368);
    VersionStats canary = day(7_200, 0.85, 360); // 5% of answers fail a check vs 1%
    Verdict v = judge.rollbackCheck(dayAt5(stable, canary), G);

    MetricRow row = row(v, "check_failures");
    assertThat(row.result()).isEqualTo(Outcome.REGRESSION);
    assertThat(row.canary()).isEqualTo(0.05);
    assertThat(row.detail()).contains("360 of 1728 check failures");
    assertThat(row(v, "error_rate").result()).isNotEqualTo(Outcome.REGRESSION);
    assertThat(row(v, "avg_quality").canary()).isEqualTo(0.85); // no zeros mixed into the feedback mean
    assertThat(v.reason()).startsWith("roll back: check_failures 5.0% vs stable 1.0%");
  }

  @Test
  void aCheckFailureRateLikeStablesIsNotARegression() {
    Verdict v = judge.rollbackCheck(dayAt5(day(136_800, 0.85, 1368), day(7_200, 0.85, 75)), G);
    assertThat(row(v, "check_failures").result()).isNotEqualTo(Outcome.REGRESSION);
  }

  @Test
  void aJudgeThatSettlesQualityPassesTheGateWhileSparseFeedbackIsStillInconclusive() {
    VersionStats stable = day(136_800, 0.85, 1368).withJudge(grades(7200, 5112));
    VersionStats canary = day(7_200, 0.85, 72).withJudge(grades(7200, 5112));
    Verdict gate = judge.promotionGate(dayAt5(stable, canary), G);

    assertThat(row(gate, "avg_quality").result()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(row(gate, "judge_score").result()).isEqualTo(Outcome.HEALTHY);
    assertThat(gate.outcome()).isEqualTo(Outcome.HEALTHY);
    assertThat(gate.reason()).contains("quality on judge_score");
  }

  @Test
  void withoutTheJudgeTheSameSparseFeedbackKeepsTheGateInconclusive() {
    Verdict gate = judge.promotionGate(dayAt5(day(136_800, 0.85, 1368), day(7_200, 0.85, 72)), G);
    assertThat(row(gate, "judge_score").detail()).contains("0 canary judged answers (minimum 50)");
    assertThat(gate.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void sparseFeedbackStillRollsBackOnItsOwnEvidenceWhenTheJudgeSeesNothingWrong() {
    // 144 canary ratings at 0.50 against 0.85: the feedback row alone is conclusive.
    VersionStats stable = day(136_800, 0.85, 1368).withJudge(grades(7200, 5112));
    VersionStats canary = day(7_200, 0.50, 72).withJudge(grades(7200, 5112));
    Verdict v = judge.rollbackCheck(dayAt5(stable, canary), G);

    assertThat(row(v, "judge_score").result()).isNotEqualTo(Outcome.REGRESSION);
    assertThat(row(v, "avg_quality").result()).isEqualTo(Outcome.REGRESSION);
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
  }

  @Test
  void aJudgeScoreDropRollsBackWithFeedbackInconclusive() {
    VersionStats stable = day(136_800, 0.85, 1368).withJudge(grades(3000, 2130)); // 0.71
    VersionStats canary = day(3_000, 0.85, 30).withJudge(grades(3000, 1800)); // 0.60
    Verdict v = judge.rollbackCheck(dayAt5(stable, canary), G);
    assertThat(row(v, "judge_score").result()).isEqualTo(Outcome.REGRESSION);
    assertThat(v.reason()).contains("judge_score 0.600 vs stable 0.710").contains("judged answers");
  }

  @Test
  void pairwisePreferencesReplaceTheAbsoluteJudgeRowAndRollBackBelowTheirThreshold() {
    VersionStats stable = day(136_800, 0.85, 1368);
    VersionStats canary = day(7_200, 0.85, 72).withPreference(preferences(1000, 40, 150)); // mean 0.445
    Verdict v = judge.rollbackCheck(dayAt5(stable, canary), G);

    assertThat(v.rows()).extracting(r -> r.metric().label()).contains("preference").doesNotContain("judge_score");
    MetricRow p = row(v, "preference");
    assertThat(p.canary()).isEqualTo(0.445);
    assertThat(p.stable()).isEqualTo(0.5);
    assertThat(p.result()).isEqualTo(Outcome.REGRESSION);
  }

  @Test
  void evenPreferencesAreNeverARegressionAndPassTheGateOnEnoughComparisons() {
    VersionStats canary = day(7_200, 0.85, 72).withPreference(preferences(3000, 150, 150));
    JudgeInput in = dayAt5(day(136_800, 0.85, 1368), canary);
    assertThat(row(judge.rollbackCheck(in, G), "preference").result()).isNotEqualTo(Outcome.REGRESSION);
    assertThat(row(judge.promotionGate(in, G), "preference").result()).isEqualTo(Outcome.HEALTHY);
  }

  @Test
  void tooFewComparisonsAreInconclusive() {
    VersionStats canary = day(7_200, 0.85, 72).withPreference(preferences(20, 0, 20));
    MetricRow p = row(judge.rollbackCheck(dayAt5(day(136_800, 0.85, 1368), canary), G), "preference");
    assertThat(p.result()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(p.detail()).contains("20 pairwise comparisons (minimum 50)");
  }

  @Test
  void theAddedRowsDoNotGrowTheErrorBudget() {
    double total = 0;
    for (Metric m : SequentialJudge.rowsOf(dayAt5(day(1000, 0.85, 10), day(100, 0.85, 1)).stage())) {
      total += SequentialJudge.alphaOf(m, G);
    }
    assertThat(total).isCloseTo(G.alpha(), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(SequentialJudge.alphaOf(Metric.QUALITY, G)
        + SequentialJudge.alphaOf(Metric.JUDGE_SCORE, G))
        .isEqualTo(SequentialJudge.alphaOf(Metric.ERROR_RATE, G));
  }
}
