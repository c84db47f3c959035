package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.Fixtures.firstHour;
import static io.llmcanary.core.judge.Fixtures.lastHour;
import static io.llmcanary.core.judge.Fixtures.stage;
import static io.llmcanary.core.judge.Fixtures.typical;
import static io.llmcanary.core.judge.Fixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import org.junit.jupiter.api.Test;

class NaiveSeedPolicyTest {

  static final Guardrails G = Guardrails.defaults();
  final NaiveSeedPolicy naive = new NaiveSeedPolicy();

  static MetricRow row(Verdict v, String metric) {
    return v.rows().stream().filter(r -> r.metric().label().equals(metric)).findFirst().orElseThrow();
  }

  @Test
  void oneCanaryErrorAgainstAStableWithNoneRollsBackAsTheSeedDoes() {
    VersionStats stable = version(5700, 0, 0.004, 1710, 0.85, 2000, 60);
    VersionStats canary = version(300, 1, 0.004, 90, 0.85, 2000, 60);
    Verdict v = naive.rollbackCheck(firstHour(1, stable, canary), G);
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
    MetricRow errors = row(v, "error_rate");
    assertThat(errors.result()).isEqualTo(Outcome.REGRESSION);
    // The seed's table would divide by zero here; the diff is n/a instead.
    assertThat(errors.diffPercent()).isNaN();
    assertThat(v.table()).contains("n/a");
  }

  @Test
  void itDecidesOn12RequestsAsFirmlyAsOn12000() {
    for (long n : new long[] {12, 12_000}) {
      VersionStats canary = version(n, 0, 0.004, n / 3, 0.50, 2000, 60);
      Verdict v = naive.rollbackCheck(firstHour(1, typical(228_000, 60), canary), G);
      assertThat(v.outcome()).as("%d requests", n).isEqualTo(Outcome.REGRESSION);
    }
  }

  @Test
  void itLooksOnlyAtTheLastHour() {
    VersionStats badStage = version(7000, 700, 0.004, 2100, 0.50, 2000, 1440);
    JudgeInput in = new JudgeInput(stage(24, typical(133_000, 1440), badStage), lastHour(24, typical(5700, 60),
        typical(300, 60)));
    assertThat(naive.rollbackCheck(in, G).outcome()).isEqualTo(Outcome.HEALTHY);
    assertThat(naive.promotionGate(in, G).outcome()).isEqualTo(Outcome.HEALTHY);
  }

  @Test
  void latencyAndCostAreNotPartOfItsRollbackRule() {
    VersionStats slowExpensive = version(300, 3, 0.04, 90, 0.85, 8000, 60);
    Verdict v = naive.rollbackCheck(firstHour(1, typical(5700, 60), slowExpensive), G);
    assertThat(v.outcome()).isEqualTo(Outcome.HEALTHY);
    assertThat(row(v, "avg_cost").detail()).contains("not part of the seed's rule");
  }

  @Test
  void itsGateChecksQualityLatencyAndCostOnPointEstimates() {
    VersionStats stable = typical(5700, 60);
    assertThat(naive.promotionGate(firstHour(1, stable, version(300, 3, 0.004, 90, 0.80, 2000, 60)), G).outcome())
        .isEqualTo(Outcome.REGRESSION);
    assertThat(naive.promotionGate(firstHour(1, stable, version(300, 3, 0.004, 90, 0.85, 2500, 60)), G).outcome())
        .isEqualTo(Outcome.REGRESSION);
    assertThat(naive.promotionGate(firstHour(1, stable, version(300, 3, 0.0053, 90, 0.85, 2000, 60)), G).outcome())
        .isEqualTo(Outcome.REGRESSION);
    assertThat(naive.promotionGate(firstHour(1, stable, version(300, 3, 0.0051, 90, 0.81, 2390, 60)), G).outcome())
        .isEqualTo(Outcome.HEALTHY);
  }

  @Test
  void missingValuesAreInconclusiveAndNeverThrow() {
    assertThat(naive.rollbackCheck(null, G).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(naive.promotionGate(new JudgeInput(null, null), G).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    VersionStats noRatings = version(300, 3, 0.004, 0, 0, Double.NaN, 0);
    Verdict v = naive.rollbackCheck(firstHour(1, typical(5700, 60), noRatings), G);
    assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(row(v, "avg_quality").result()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(v.reason()).contains("avg_quality");
  }
}
