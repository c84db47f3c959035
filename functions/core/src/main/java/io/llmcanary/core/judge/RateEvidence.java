package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.EvidenceWording.*;
import static io.llmcanary.core.judge.MetricEvidence.*;

import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.stats.EventShareSprt;
import io.llmcanary.core.stats.MixtureTest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Error rate, from exact counts. Credibility from {@link EventShareSprt} (where the errors fell): no variance to
 * estimate and no division by stable's rate. The absolute floor {@code minErrorRateIncrease} makes the
 * threshold max(ratio × stable, stable + floor), so a stable with zero errors still has a finite threshold.
 */
record RateEvidence(Metric metric, String events, VersionStats s, VersionStats c, long minRequests, double floor)
    implements MetricEvidence {

  RateEvidence(VersionStats s, VersionStats c, long minRequests, double floor) {
    this(Metric.ERROR_RATE, "errors", s, c, minRequests, floor);
  }

  /**
   * Answers that failed an automatic check ({@code CheckFailures}), per request: the same exact-count test as
   * errors, on its own counts and thresholds.
   */
  static RateEvidence checkFailures(VersionStats s, VersionStats c, long minRequests, double floor) {
    return new RateEvidence(Metric.CHECK_FAILURES, "check failures", asEvents(s), asEvents(c), minRequests, floor);
  }

  private static VersionStats asEvents(VersionStats v) {
    return new VersionStats(v.requests(), v.checkFailures(), v.costSum(), 0, 0, v.latencyP95Ms(), List.of());
  }

  private static final double[] ABOVE = {1.25, 1.5, 2, 3, 5, 10, 25};
  private static final double[] ROLLBACK_ALTERNATIVES = {1, 1.5, 2.25, 3.375, 5.0625, 7.59375};
  /** More weight near the threshold, where evidence accrues slowly; large ratios gather it fast anyway. */
  private static final double[] ROLLBACK_WEIGHTS = {0.3, 0.3, 0.15, 0.1, 0.1, 0.05};
  /** Multipliers of the null ratio for non-inferiority; 2/3 of the 1.5x gate is "as good as stable". */
  private static final double[] BELOW = {2.0 / 3, 0.5, 1.0 / 3};
  /** Share of a within-test's alpha for the ratio SPRT; the rest for the absolute-floor test. */
  private static final double RATIO_SHARE = 0.75;

  @Override public double stable() { return s.errorRate(); }
  @Override public double canary() { return c.errorRate(); }
  @Override public long stableSamples() { return s.requests(); }
  @Override public long canarySamples() { return c.requests(); }

  @Override
  public Optional<String> shortfall() {
    return requestShortfall(s, c, minRequests);
  }

  @Override
  public boolean pastThreshold(double ratio) {
    return canary() > Math.max(ratio * stable(), stable() + floor);
  }

  /**
   * Where the errors fell only; the absolute floor is the practical half's business. The alternatives start at the
   * rollback threshold (a rollback also needs the point estimate past it, so smaller ratios are of no use) and
   * rise geometrically by 1.5 to 7.6x the threshold, weighted towards the threshold.
   */
  @Override
  public Check crediblyWorse(double rollbackRatio, double alpha) {
    double r = credibleRatio(rollbackRatio);
    double share = (double) c.requests() / ((double) c.requests() + s.requests());
    double log = EventShareSprt.logEvidence(c.errors(), c.errors() + s.errors(), share, r,
        scaled(Math.max(rollbackRatio, r * 1.01), ROLLBACK_ALTERNATIVES), ROLLBACK_WEIGHTS);
    return new Check(log >= -Math.log(alpha), sprtDetail("canary above " + times(r) + " stable", log, alpha));
  }

  /** Past max(ratio × stable, stable + floor) means past both: an intersection-union test, each at alpha. */
  @Override
  public Check crediblyPast(double ratio, double alpha) {
    double log = sprt(ratio, scaled(ratio, ABOVE));
    MixtureTest floorTest = floorTest(alpha);
    boolean holds = log >= -Math.log(alpha) && floorTest.crediblyPositive();
    return new Check(holds, sprtDetail("canary above " + times(ratio) + " stable", log, alpha) + "; "
        + describe(floorTest, "canary above stable + " + Percent.share(floor)));
  }

  /** Within max(ratio × stable, stable + floor) needs only one of the two: alpha split between them (union bound). */
  @Override
  public Check crediblyWithin(double ratio, double alpha) {
    double log = sprt(ratio, scaled(ratio, BELOW));
    double ratioAlpha = alpha * RATIO_SHARE;
    MixtureTest floorTest = floorTest(alpha - ratioAlpha);
    boolean holds = log >= -Math.log(ratioAlpha) || floorTest.crediblyNegative();
    return new Check(holds, sprtDetail("canary below " + times(ratio) + " stable", log, ratioAlpha) + "; "
        + describe(floorTest, "canary below stable + " + Percent.share(floor)));
  }

  private double sprt(double nullRatio, double[] alternatives) {
    double share = (double) c.requests() / ((double) c.requests() + s.requests());
    return EventShareSprt.logEvidence(c.errors(), c.errors() + s.errors(), share, nullRatio, alternatives);
  }

  /** canary − stable − floor, with the binomial variance at the null boundary canary = stable + floor. */
  private MixtureTest floorTest(double alpha) {
    double ps = (s.errors() + 0.5) / (s.requests() + 1.0);
    double p0 = Math.min(ps + floor, 1.0);
    double v0 = p0 * (1 - p0) / c.requests() + ps * (1 - ps) / s.requests();
    return MixtureTest.of(canary() - stable() - floor, v0, Math.max(floor, 1e-4), alpha);
  }

  private String sprtDetail(String what, double log, double alpha) {
    return String.format(Locale.ROOT, "%s: event-share SPRT on %d of %d %s, evidence %.3g vs %.3g needed (%s)",
        what, c.errors(), c.errors() + s.errors(), events, Math.exp(Math.min(log, 700)), 1 / alpha,
        confidence(alpha));
  }

  private static double[] scaled(double ratio, double[] multipliers) {
    return Arrays.stream(multipliers).map(m -> m * ratio).toArray();
  }
}
