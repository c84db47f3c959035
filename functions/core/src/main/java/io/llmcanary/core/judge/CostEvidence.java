package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.EvidenceWording.*;
import static io.llmcanary.core.judge.MetricEvidence.*;

import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.stats.MixtureTest;
import java.util.Locale;
import java.util.Optional;

/**
 * Mean cost per request. CloudWatch gives sums and counts only, so the variance is bounded by assumption: the
 * per-request cost's coefficient of variation is at most {@code cvBound} (cost is tokens × price: bounded by
 * maxTokens, right-skewed; a CV of 2 covers heavy-tailed chat traffic). Variance under H₀ is then
 * (cv·μ₀)² / n, evaluated at the null's mean (ratio × stable's), never at the canary's own estimate.
 */
record CostEvidence(VersionStats s, VersionStats c, long minRequests, double cvBound) implements MetricEvidence {

  @Override public Metric metric() { return Metric.COST; }
  @Override public double stable() { return s.meanCost(); }
  @Override public double canary() { return c.meanCost(); }
  @Override public long stableSamples() { return s.requests(); }
  @Override public long canarySamples() { return c.requests(); }

  @Override
  public Optional<String> shortfall() {
    return unusable(s, c, (v, who) -> v.costSum() >= 0 && Double.isFinite(v.costSum()) ? Optional.empty()
            : Optional.of("invalid " + who + " cost sum (" + shown(v.costSum()) + ")"))
        .or(() -> requestShortfall(s, c, minRequests))
        .or(() -> s.costSum() == 0 && c.costSum() > 0
            ? Optional.of("stable costs nothing: no ratio to judge") : Optional.empty());
  }

  private boolean bothFree() {
    return s.costSum() == 0 && c.costSum() == 0;
  }

  @Override
  public boolean pastThreshold(double ratio) {
    return canary() > ratio * stable();
  }

  @Override
  public Check crediblyWorse(double rollbackRatio, double alpha) {
    if (bothFree()) {
      return new Check(false, "both versions cost nothing");
    }
    double r = credibleRatio(rollbackRatio);
    MixtureTest t = test(r, Math.abs(rollbackRatio - r), alpha);
    return new Check(t.crediblyPositive(), describe(t, "canary above " + Percent.share(r) + " of stable") + cvNote());
  }

  @Override
  public Check crediblyPast(double ratio, double alpha) {
    if (bothFree()) {
      return new Check(false, "both versions cost nothing");
    }
    MixtureTest t = test(ratio, Math.abs(ratio - 1), alpha);
    return new Check(t.crediblyPositive(), describe(t, "canary above " + Percent.share(ratio) + " of stable") + cvNote());
  }

  @Override
  public Check crediblyWithin(double ratio, double alpha) {
    if (bothFree()) {
      return new Check(true, "both versions cost nothing");
    }
    MixtureTest t = test(ratio, Math.abs(ratio - 1), alpha);
    return new Check(t.crediblyNegative(), describe(t, "canary within " + Percent.share(ratio) + " of stable") + cvNote());
  }

  /** Like quality's: variance at the null's means, stable's moved up one standard error, never the canary's. */
  private MixtureTest test(double ratio, double effectRatio, double alpha) {
    double ms = stable();
    double conservative = ms * (1 + cvBound / Math.sqrt(s.requests()));
    double mu0 = ratio * conservative;
    double v0 = cvBound * cvBound * (mu0 * mu0 / c.requests() + ratio * ratio * conservative * conservative / s.requests());
    double tau = Math.max(effectRatio, 0.01) * ms;
    return MixtureTest.of(canary() - ratio * ms, v0, tau, alpha);
  }

  private String cvNote() {
    return String.format(Locale.ROOT, " (variance bound: per-request CV <= %.1f)", cvBound);
  }
}
