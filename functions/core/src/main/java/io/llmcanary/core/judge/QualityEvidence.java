package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.EvidenceWording.*;
import static io.llmcanary.core.judge.MetricEvidence.*;

import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.stats.MixtureTest;
import java.util.List;
import java.util.Optional;

/**
 * A mean score per version, each observation in [0, 1]: user feedback ({@code avg_quality}) or the quality judge's
 * absolute grades ({@code judge_score}), never both in one mean. Variance under the null from Bhatia–Davis: a
 * [0, 1] variable with mean μ has variance at most μ(1 − μ), which needs only sums and counts (exact for thumbs
 * up/down ratings and pass/fail grades, the worst case).
 *
 * @param s stable's requests with its scores as {@code qualityCount}/{@code qualitySum} (see {@link #judged})
 */
record QualityEvidence(Metric metric, String noun, VersionStats s, VersionStats c, long minSamples)
    implements MetricEvidence {

  /** User feedback. */
  QualityEvidence(VersionStats s, VersionStats c, long minSamples) {
    this(Metric.QUALITY, "ratings", s, c, minSamples);
  }

  /** The quality judge's absolute grades, read as a mean score per version. */
  static QualityEvidence judged(VersionStats s, VersionStats c, long minSamples) {
    return new QualityEvidence(Metric.JUDGE_SCORE, "judged answers", asScores(s, s.judge()), asScores(c, c.judge()), minSamples);
  }

  private static VersionStats asScores(VersionStats v, ScoreStats scores) {
    return new VersionStats(v.requests(), v.errors(), v.costSum(), scores.count(), scores.sum(), v.latencyP95Ms(),
        List.of());
  }

  @Override public double stable() { return s.meanQuality(); }
  @Override public double canary() { return c.meanQuality(); }
  @Override public long stableSamples() { return s.qualityCount(); }
  @Override public long canarySamples() { return c.qualityCount(); }

  @Override
  public Optional<String> shortfall() {
    return unusable(s, c, (v, who) -> v.qualitySum() >= 0 && v.qualitySum() <= v.qualityCount() ? Optional.empty()
            : Optional.of("invalid " + who + " " + metric + " sum (" + shown(v.qualitySum()) + " over "
                + v.qualityCount() + " " + noun + ")"))
        .or(() -> fewer(s.qualityCount(), c.qualityCount(), minSamples, noun));
  }

  @Override
  public boolean pastThreshold(double ratio) {
    return canary() < ratio * stable();
  }

  @Override
  public Check crediblyWorse(double rollbackRatio, double alpha) {
    double r = credibleRatio(rollbackRatio);
    MixtureTest t = test(r, Math.abs(rollbackRatio - r), alpha);
    return new Check(t.crediblyPositive(), describe(t, "canary below " + Percent.share(r) + " of stable"));
  }

  @Override
  public Check crediblyPast(double ratio, double alpha) {
    MixtureTest t = test(ratio, Math.abs(1 - ratio), alpha);
    return new Check(t.crediblyPositive(), describe(t, "canary below " + Percent.share(ratio) + " of stable"));
  }

  @Override
  public Check crediblyWithin(double ratio, double alpha) {
    MixtureTest t = test(ratio, Math.abs(1 - ratio), alpha);
    return new Check(t.crediblyNegative(), describe(t, "canary at least " + Percent.share(ratio) + " of stable"));
  }

  /**
   * H₀ boundary: canary mean = ratio × stable mean; estimate oriented so positive is worse. The variance is the
   * Bhatia–Davis bound at the null's means, taken with stable's mean moved one standard error towards ½ (so a
   * lucky stable sample does not shrink it) and never from the canary's own sums: the test stays monotone.
   */
  private MixtureTest test(double ratio, double effectRatio, double alpha) {
    double qs = towardsHalf(stable(), Math.sqrt(0.25 / s.qualityCount()));
    double mu0 = towardsHalf(Math.min(ratio * stable(), 1.0), Math.sqrt(0.25 / s.qualityCount()));
    double v0 = Math.max(mu0 * (1 - mu0), 1e-6) / c.qualityCount()
        + ratio * ratio * Math.max(qs * (1 - qs), 1e-6) / s.qualityCount();
    double estimate = ratio * stable() - canary();
    double tau = Math.max(Math.max(effectRatio, 0.01) * stable(), 1e-3);
    return MixtureTest.of(estimate, v0, tau, alpha);
  }

  private static double towardsHalf(double mean, double step) {
    return mean < 0.5 ? Math.min(mean + step, 0.5) : Math.max(mean - step, 0.5);
  }
}
