package io.llmcanary.core.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import org.junit.jupiter.api.Test;

class JudgeSamplerTest {

  private static final QualityJudgeConfig ABSOLUTE = new QualityJudgeConfig("absolute", 0.5, 1000, null, null);
  private static final QualityJudgeConfig PAIRWISE = new QualityJudgeConfig("pairwise", 0.5, 1000, null, null);

  private static double share(QualityJudgeConfig q, Variant v, double percent) {
    int hit = 0;
    for (int i = 0; i < 100_000; i++) {
      if (JudgeSampler.sampled(q, v, percent, "req-" + i)) {
        hit++;
      }
    }
    return hit / 100_000.0;
  }

  @Test
  void absoluteModeGivesStableAsManyJudgedAnswersAsCanary() {
    assertThat(JudgeSampler.rate(ABSOLUTE, Variant.CANARY, 5)).isEqualTo(0.5);
    assertThat(JudgeSampler.rate(ABSOLUTE, Variant.STABLE, 5)).isCloseTo(0.5 * 5 / 95, within(1e-12));
    // 5% of traffic at rate 0.5 and 95% at 0.5 * 5/95: equal judged answers per version.
    assertThat(0.05 * share(ABSOLUTE, Variant.CANARY, 5)).isCloseTo(0.95 * share(ABSOLUTE, Variant.STABLE, 5),
        within(0.002));
  }

  @Test
  void pairwiseModeNeverSamplesStablesOwnTraffic() {
    assertThat(JudgeSampler.rate(PAIRWISE, Variant.STABLE, 25)).isZero();
    assertThat(share(PAIRWISE, Variant.CANARY, 25)).isCloseTo(0.5, within(0.01));
  }

  @Test
  void theSampleIsDeterministicFromTheRequestId() {
    for (int i = 0; i < 1000; i++) {
      assertThat(JudgeSampler.sampled(ABSOLUTE, Variant.CANARY, 5, "r" + i))
          .isEqualTo(JudgeSampler.sampled(ABSOLUTE, Variant.CANARY, 5, "r" + i));
    }
  }

  @Test
  void nothingIsSampledWhenTheJudgeIsOffOrThereIsNoCanary() {
    assertThat(JudgeSampler.rate(QualityJudgeConfig.OFF, Variant.CANARY, 5)).isZero();
    assertThat(JudgeSampler.rate(ABSOLUTE, Variant.CANARY, 0)).isZero();
    assertThat(JudgeSampler.rate(ABSOLUTE, Variant.STABLE, 100)).isZero();
    assertThat(JudgeSampler.sampled(ABSOLUTE, Variant.CANARY, 5, null)).isFalse();
  }

  @Test
  void judgedAnswersStayWithinTwiceTheCanarysRequestsAtEveryStage() {
    for (double p : new double[] {0.5, 5, 25, 50, 75}) {
      double judged = p * JudgeSampler.rate(ABSOLUTE.withRate(1.0), Variant.CANARY, p)
          + (100 - p) * JudgeSampler.rate(ABSOLUTE.withRate(1.0), Variant.STABLE, p);
      assertThat(judged).isLessThanOrEqualTo(2 * p + 1e-9);
    }
  }
}
