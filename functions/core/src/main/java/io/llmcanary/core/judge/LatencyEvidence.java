package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.EvidenceWording.*;
import static io.llmcanary.core.judge.MetricEvidence.*;

import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.stats.MannWhitney;
import io.llmcanary.core.stats.MixtureTest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * p95 latency. The point value is the window's p95 (the median of the per-period series when the window's p95
 * is unknown); credibility is a Mann–Whitney comparison of canary's per-period p95s with ratio × stable's
 * (Kayenta's way), tested with the normal-mixture boundary on θ̂ − ½. A per-period p95 over few requests is
 * biased low and noisier, so at a small canary share the series test loses power (never validity in the
 * direction of false rollbacks); the window p95, over all requests, is the practical check.
 */
final class LatencyEvidence implements MetricEvidence {

  /** τ on the θ scale: a shift that makes canary's period p95 exceed the reference in ~3 of 4 periods. */
  private static final double TAU = 0.25;

  private final VersionStats s;
  private final VersionStats c;
  private final long minRequests;
  private final int minPeriods;
  /** Sorted per-period p95s, or null when a value is invalid (null, NaN, negative, infinite). */
  private final double[] stableSeries;
  private final double[] canarySeries;
  private final double stableP95;
  private final double canaryP95;

  LatencyEvidence(VersionStats s, VersionStats c, long minRequests, int minPeriods) {
    this.s = s;
    this.c = c;
    this.minRequests = minRequests;
    this.minPeriods = minPeriods;
    this.stableSeries = sortedSeries(s);
    this.canarySeries = sortedSeries(c);
    this.stableP95 = p95(s, stableSeries);
    this.canaryP95 = p95(c, canarySeries);
  }

  @Override public Metric metric() { return Metric.LATENCY; }
  @Override public double stable() { return stableP95; }
  @Override public double canary() { return canaryP95; }
  @Override public long stableSamples() { return s.requests(); }
  @Override public long canarySamples() { return c.requests(); }

  private static double[] sortedSeries(VersionStats v) {
    List<Double> l = v.latencyP95Series();
    double[] x = new double[l.size()];
    for (int i = 0; i < x.length; i++) {
      Double d = l.get(i);
      if (d == null || !(d >= 0) || d == Double.POSITIVE_INFINITY) {
        return null;
      }
      x[i] = d;
    }
    Arrays.sort(x);
    return x;
  }

  private static double p95(VersionStats v, double[] sorted) {
    if (v.latencyP95Ms() >= 0 && Double.isFinite(v.latencyP95Ms())) {
      return v.latencyP95Ms();
    }
    if (sorted == null || sorted.length == 0) {
      return Double.NaN;
    }
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  @Override
  public Optional<String> shortfall() {
    return unusable(s, c, (v, who) -> {
      if (!Double.isNaN(v.latencyP95Ms()) && !(v.latencyP95Ms() >= 0 && Double.isFinite(v.latencyP95Ms()))) {
        return Optional.of("invalid " + who + " p95 (" + shown(v.latencyP95Ms()) + ")");
      }
      return (v == s ? stableSeries : canarySeries) == null
          ? Optional.of("invalid value in the " + who + " p95 series") : Optional.empty();
    })
        .or(() -> requestShortfall(s, c, minRequests))
        .or(() -> fewer(stableSeries.length, canarySeries.length, minPeriods, "p95 periods"));
  }

  @Override
  public boolean pastThreshold(double ratio) {
    return canary() > ratio * stable();
  }

  /** Kayenta-style: the rank test is made against the threshold-scaled stable series itself. */
  @Override
  public Check crediblyWorse(double rollbackRatio, double alpha) {
    return crediblyPast(rollbackRatio, alpha);
  }

  @Override
  public Check crediblyPast(double ratio, double alpha) {
    Ranked r = ranked(ratio, alpha);
    return new Check(r.test().crediblyPositive(), r.detail(ratio));
  }

  @Override
  public Check crediblyWithin(double ratio, double alpha) {
    Ranked r = ranked(ratio, alpha);
    return new Check(r.test().crediblyNegative(), r.detail(ratio));
  }

  private Ranked ranked(double ratio, double alpha) {
    MannWhitney mw = MannWhitney.ofSorted(canarySeries, stableSeries, ratio);
    return new Ranked(mw, MixtureTest.of(mw.theta() - 0.5, mw.nullVariance(), TAU, alpha));
  }

  private record Ranked(MannWhitney mw, MixtureTest test) {
    String detail(double ratio) {
      return String.format(Locale.ROOT,
          "Mann-Whitney on %d vs %d period p95s: P(canary > %.2fx stable) = %.3f, mixture z=%s, anytime critical ±%s at %s",
          mw.m(), mw.n(), ratio, mw.theta(), num(test.z()), num(test.criticalZ()), confidence(test.alpha()));
    }
  }
}
