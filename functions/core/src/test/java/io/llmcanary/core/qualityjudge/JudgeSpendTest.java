package io.llmcanary.core.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeSpendTest {

  private static final Instant T = Instant.parse("2026-11-26T09:00:00Z");

  @Test
  void anAbsoluteGradeIsOneCallAndAPairwiseComparisonTwoCallsAndAShadowStableAnswer() {
    VersionStats stable = new VersionStats(1000, 10, 4.0, 0, 0, Double.NaN, List.of()).withJudge(
        new ScoreStats(100, 85, Double.NaN));
    VersionStats canary = new VersionStats(50, 1, 0.2, 0, 0, Double.NaN, List.of())
        .withJudge(new ScoreStats(40, 30, Double.NaN)).withPreference(new ScoreStats(30, 15, 10));

    JudgeSpend s = JudgeSpend.of(new WindowStats(T, T.plusSeconds(3600), stable, canary), 0.0007);

    assertThat(s.answersJudged()).isEqualTo(170);
    assertThat(s.judgeCalls()).isEqualTo(140 + 2 * 30);
    assertThat(s.judgeCallsUsd()).isCloseTo(200 * 0.0007, within(1e-12));
    assertThat(s.shadowAnswersUsd()).isCloseTo(30 * 0.004, within(1e-12));
    assertThat(s.totalUsd()).isCloseTo(0.14 + 0.12, within(1e-12));
    assertThat(s.line()).contains("170 answers judged").contains("200 judge calls at $0.0007").contains("≈ $0.2600")
        .contains("$0.1200 shadow stable answers");
  }

  @Test
  void noJudgedAnswersCostNothingAndSaySo() {
    JudgeSpend s = JudgeSpend.of(WindowStats.empty(T, T), 0.0007);

    assertThat(s.totalUsd()).isZero();
    assertThat(s.line()).isEqualTo("quality judge: 0 answers judged (off, or nothing sampled yet), $0");
  }

  @Test
  void comparisonsWithoutStableTrafficCountTheJudgeCallsAndSayTheShadowCostIsUnknown() {
    VersionStats canary = VersionStats.EMPTY.withPreference(new ScoreStats(10, 5, 3));

    JudgeSpend s = JudgeSpend.of(new WindowStats(T, T, VersionStats.EMPTY, canary), 0.001);

    assertThat(s.totalUsd()).isCloseTo(0.02, within(1e-12));
    assertThat(s.line()).contains("stable's cost unknown");
  }
}
