package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.EvidenceWording.*;
import static io.llmcanary.core.judge.MetricEvidence.*;

import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.stats.MixtureTest;
import java.util.Locale;
import java.util.Optional;

/**
 * Pairwise mode's {@code Preference}: for a sampled canary request the judge compared canary's answer with a shadow
 * stable answer for the same conversation, in both orders; 1 when canary won both, 0 when stable did, ½ for a tie or
 * an order-dependent verdict. One sample, on canary's stats: ½ means as good as stable. The threshold is an absolute
 * preference level below ½; the {@code ratio} the judge passes is that level over ½ (0.94 for 0.47), so the
 * "third of the way" margin works as for the other rows (credible below 0.49 for a 0.47 threshold).
 *
 * <p>Variance: the comparison removes the prompt's own difficulty, and most pairs tie, so the variance is far
 * below the Bhatia–Davis bound of ¼; it comes from the published squares ({@code PreferenceSquares}) as the second
 * moment about the null's mean, Σ(x − p₀)²/n = Σx²/n − 2p₀x̄ + p₀², which is never below the sample variance.
 * That is a plug-in (asymptotically valid, like the CLT behind the other rows), floored at 0.01 so a run of ties
 * cannot make the test overconfident.
 */
record PreferenceEvidence(ScoreStats p, VersionStats s, VersionStats c, long minSamples) implements MetricEvidence {

  static final double EVEN = 0.5;
  static final double MIN_VARIANCE = 0.01;

  @Override public Metric metric() { return Metric.PREFERENCE; }
  /** The reference: an even split, what an identical canary gets. */
  @Override public double stable() { return EVEN; }
  @Override public double canary() { return p.mean(); }
  @Override public long stableSamples() { return p.count(); }
  @Override public long canarySamples() { return p.count(); }

  @Override
  public Optional<String> shortfall() {
    return requestShortfall(s, c, 1)
        .or(() -> p.invalid() || !Double.isFinite(p.squares())
            ? Optional.of("invalid preference sums (" + shown(p.sum()) + ", squares " + shown(p.squares()) + " over "
                + p.count() + " comparisons)")
            : Optional.empty())
        .or(() -> p.count() < minSamples
            ? Optional.of(String.format(Locale.ROOT, "%d pairwise comparisons (minimum %d)", p.count(), minSamples))
            : Optional.empty());
  }

  @Override
  public boolean pastThreshold(double ratio) {
    return canary() < ratio * EVEN;
  }

  @Override
  public Check crediblyWorse(double rollbackRatio, double alpha) {
    double r = credibleRatio(rollbackRatio);
    MixtureTest t = test(r * EVEN, Math.abs(rollbackRatio - r) * EVEN, alpha);
    return new Check(t.crediblyPositive(), describe(t, "canary preferred below " + Percent.share(r * EVEN)));
  }

  @Override
  public Check crediblyPast(double ratio, double alpha) {
    MixtureTest t = test(ratio * EVEN, Math.abs(1 - ratio) * EVEN, alpha);
    return new Check(t.crediblyPositive(), describe(t, "canary preferred below " + Percent.share(ratio * EVEN)));
  }

  @Override
  public Check crediblyWithin(double ratio, double alpha) {
    MixtureTest t = test(ratio * EVEN, Math.abs(1 - ratio) * EVEN, alpha);
    return new Check(t.crediblyNegative(), describe(t, "canary preferred at least " + Percent.share(ratio * EVEN)));
  }

  /** H₀ boundary: mean preference = p0; positive estimate = canary worse. */
  private MixtureTest test(double p0, double effect, double alpha) {
    double n = p.count();
    double aboutNull = p.squares() / n - 2 * p0 * p.mean() + p0 * p0;
    double v0 = Math.max(aboutNull, MIN_VARIANCE) / n;
    return MixtureTest.of(p0 - canary(), v0, Math.max(effect, 1e-3), alpha);
  }
}
