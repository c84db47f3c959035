package io.llmcanary.core.judge;

import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.stats.EventShareSprt;
import io.llmcanary.core.stats.MannWhitney;
import io.llmcanary.core.stats.MixtureTest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one window says about one metric, and the questions the {@link SequentialJudge} asks of it. Every
 * credibility question is anytime-valid at the level it is given (see {@code docs/judge-design.md}).
 *
 * <p>Ratios are the guardrails' ratios as written (quality: canary vs a fraction of stable, lower is worse;
 * the others: canary vs a multiple of stable, higher is worse).
 */
sealed interface MetricEvidence
    permits MetricEvidence.Quality, MetricEvidence.Latency, MetricEvidence.Cost, MetricEvidence.ErrorRate,
    MetricEvidence.Preference {

  String metric();

  double stable();

  double canary();

  long stableSamples();

  long canarySamples();

  /** Why this window cannot be judged on this metric (missing or invalid data, a minimum not met); empty if it can. */
  Optional<String> shortfall();

  /** Point estimate past the threshold on the harmful side: the practical half of a regression. */
  boolean pastThreshold(double ratio);

  /**
   * The statistical half of a rollback, at level alpha: credible evidence that canary is worse than stable by at
   * least a margin, i.e. past {@link #credibleRatio} (a third of the way from stable to the threshold). An
   * identical canary then lies strictly inside the null, so false rollbacks of A/A canaries die out as data
   * grows instead of using up alpha stage after stage. (Testing against the threshold itself would be cleaner
   * and is too slow: at 5% traffic a 20% quality drop is ~3 standard errors from the 90% threshold after 12
   * checks, below any anytime-valid bar; see docs/judge-design.md.)
   */
  Check crediblyWorse(double rollbackRatio, double alpha);

  /** Credibly past the threshold on the harmful side, at level alpha. */
  Check crediblyPast(double ratio, double alpha);

  /** Credibly within the threshold (non-inferiority), at level alpha. */
  Check crediblyWithin(double ratio, double alpha);

  /**
   * Share of the way from stable (ratio 1) to the rollback threshold that a rollback must credibly pass. Tuned on
   * the Monte Carlo rollouts: 1/4 rolls back 13% of canaries 5% worse in quality (inside the threshold), 1/2
   * misses the 24-check target for tripled errors; 1/3 does neither.
   */
  double CREDIBILITY_MARGIN = 1.0 / 3;

  /** The ratio a rollback must credibly pass: e.g. 0.967 for a 0.90 quality threshold, 1.33 for 2x errors. */
  static double credibleRatio(double rollbackRatio) {
    return 1 + CREDIBILITY_MARGIN * (rollbackRatio - 1);
  }

  /** The outcome of one credibility question, with the statistic that decided it. */
  record Check(boolean holds, String detail) {}

  /** Counts that cannot be true of any real window. Such data is never judged. */
  static Optional<String> invalidCounts(VersionStats s, String who) {
    if (s.requests() < 0 || s.errors() < 0 || s.errors() > s.requests() || s.qualityCount() < 0) {
      return Optional.of("invalid " + who + " counts (requests " + s.requests() + ", errors " + s.errors() + ")");
    }
    return Optional.empty();
  }

  static Optional<String> requestShortfall(VersionStats s, VersionStats c, long minRequests) {
    Optional<String> bad = invalidCounts(s, "stable").or(() -> invalidCounts(c, "canary"));
    if (bad.isPresent()) {
      return bad;
    }
    if (s.requests() == 0 || c.requests() == 0) {
      return Optional.of("no " + (s.requests() == 0 ? "stable" : "canary") + " requests");
    }
    if (c.requests() < minRequests || s.requests() < minRequests) {
      boolean canaryShort = c.requests() < minRequests;
      return Optional.of(String.format(Locale.ROOT, "%d %s requests (minimum %d)",
          canaryShort ? c.requests() : s.requests(), canaryShort ? "canary" : "stable", minRequests));
    }
    return Optional.empty();
  }

  static String times(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  static String confidence(double alpha) {
    double c = 100 * (1 - alpha);
    return c >= 99.95 ? String.format(Locale.ROOT, "%.4f%%", c) : String.format(Locale.ROOT, "%.2f%%", c);
  }

  static String describe(MixtureTest t, String what) {
    return String.format(Locale.ROOT, "%s: mixture-SPRT z=%s, anytime critical ±%s at %s", what, num(t.z()),
        num(t.criticalZ()), confidence(t.alpha()));
  }

  /** A raw input value for a message: "missing" rather than NaN. */
  static String shown(double v) {
    return Double.isNaN(v) ? "missing" : String.valueOf(v);
  }

  static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
  }

  // ------------------------------------------------------------------------------------------------------------

  /**
   * A mean score per version, each observation in [0, 1]: user feedback ({@code avg_quality}) or the quality judge's
   * absolute grades ({@code judge_score}), never both in one mean. Variance under the null from Bhatia–Davis: a
   * [0, 1] variable with mean μ has variance at most μ(1 − μ), which needs only sums and counts (exact for thumbs
   * up/down ratings and pass/fail grades, the worst case).
   *
   * @param s stable's requests with its scores as {@code qualityCount}/{@code qualitySum} (see {@link #judged})
   */
  record Quality(String metric, String noun, VersionStats s, VersionStats c, long minSamples)
      implements MetricEvidence {

    /** User feedback. */
    Quality(VersionStats s, VersionStats c, long minSamples) {
      this("avg_quality", "ratings", s, c, minSamples);
    }

    /** The quality judge's absolute grades, read as a mean score per version. */
    static Quality judged(VersionStats s, VersionStats c, long minSamples) {
      return new Quality("judge_score", "judged answers", asScores(s, s.judge()), asScores(c, c.judge()), minSamples);
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
      Optional<String> bad = requestShortfall(s, c, 1);
      if (bad.isPresent()) {
        return bad;
      }
      for (VersionStats v : List.of(s, c)) {
        if (!(v.qualitySum() >= 0 && v.qualitySum() <= v.qualityCount())) {
          return Optional.of("invalid " + (v == s ? "stable" : "canary") + " " + metric + " sum ("
              + shown(v.qualitySum()) + " over " + v.qualityCount() + " " + noun + ")");
        }
      }
      if (c.qualityCount() < minSamples || s.qualityCount() < minSamples) {
        boolean canaryShort = c.qualityCount() < minSamples;
        return Optional.of(String.format(Locale.ROOT, "%d %s %s (minimum %d)",
            canaryShort ? c.qualityCount() : s.qualityCount(), canaryShort ? "canary" : "stable", noun, minSamples));
      }
      return Optional.empty();
    }

    @Override
    public boolean pastThreshold(double ratio) {
      return canary() < ratio * stable();
    }

    @Override
    public Check crediblyWorse(double rollbackRatio, double alpha) {
      double r = credibleRatio(rollbackRatio);
      MixtureTest t = test(r, Math.abs(rollbackRatio - r), alpha);
      return new Check(t.crediblyPositive(), describe(t, "canary below " + pct(r) + " of stable"));
    }

    @Override
    public Check crediblyPast(double ratio, double alpha) {
      MixtureTest t = test(ratio, Math.abs(1 - ratio), alpha);
      return new Check(t.crediblyPositive(), describe(t, "canary below " + pct(ratio) + " of stable"));
    }

    @Override
    public Check crediblyWithin(double ratio, double alpha) {
      MixtureTest t = test(ratio, Math.abs(1 - ratio), alpha);
      return new Check(t.crediblyNegative(), describe(t, "canary at least " + pct(ratio) + " of stable"));
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

  // ------------------------------------------------------------------------------------------------------------

  /**
   * Error rate, from exact counts. Credibility from {@link EventShareSprt} (where the errors fell): no variance to
   * estimate and no division by stable's rate. The absolute floor {@code minErrorRateIncrease} makes the
   * threshold max(ratio × stable, stable + floor), so a stable with zero errors still has a finite threshold.
   */
  record ErrorRate(String metric, String events, VersionStats s, VersionStats c, long minRequests, double floor)
      implements MetricEvidence {

    ErrorRate(VersionStats s, VersionStats c, long minRequests, double floor) {
      this("error_rate", "errors", s, c, minRequests, floor);
    }

    /**
     * Answers that failed an automatic check ({@code CheckFailures}), per request: the same exact-count test as
     * errors, on its own counts and thresholds.
     */
    static ErrorRate checkFailures(VersionStats s, VersionStats c, long minRequests, double floor) {
      return new ErrorRate("check_failures", "check failures", asEvents(s), asEvents(c), minRequests, floor);
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
          + describe(floorTest, "canary above stable + " + pct(floor)));
    }

    /** Within max(ratio × stable, stable + floor) needs only one of the two: alpha split between them (union bound). */
    @Override
    public Check crediblyWithin(double ratio, double alpha) {
      double log = sprt(ratio, scaled(ratio, BELOW));
      double ratioAlpha = alpha * RATIO_SHARE;
      MixtureTest floorTest = floorTest(alpha - ratioAlpha);
      boolean holds = log >= -Math.log(ratioAlpha) || floorTest.crediblyNegative();
      return new Check(holds, sprtDetail("canary below " + times(ratio) + " stable", log, ratioAlpha) + "; "
          + describe(floorTest, "canary below stable + " + pct(floor)));
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

  // ------------------------------------------------------------------------------------------------------------

  /**
   * Mean cost per request. CloudWatch gives sums and counts only, so the variance is bounded by assumption: the
   * per-request cost's coefficient of variation is at most {@code cvBound} (cost is tokens × price: bounded by
   * maxTokens, right-skewed; a CV of 2 covers heavy-tailed chat traffic). Variance under H₀ is then
   * (cv·μ₀)² / n, evaluated at the null's mean (ratio × stable's), never at the canary's own estimate.
   */
  record Cost(VersionStats s, VersionStats c, long minRequests, double cvBound) implements MetricEvidence {

    @Override public String metric() { return "avg_cost"; }
    @Override public double stable() { return s.meanCost(); }
    @Override public double canary() { return c.meanCost(); }
    @Override public long stableSamples() { return s.requests(); }
    @Override public long canarySamples() { return c.requests(); }

    @Override
    public Optional<String> shortfall() {
      Optional<String> bad = requestShortfall(s, c, 1);
      if (bad.isPresent()) {
        return bad;
      }
      for (VersionStats v : List.of(s, c)) {
        if (!(v.costSum() >= 0) || !Double.isFinite(v.costSum())) {
          return Optional.of("invalid " + (v == s ? "stable" : "canary") + " cost sum (" + shown(v.costSum()) + ")");
        }
      }
      Optional<String> few = requestShortfall(s, c, minRequests);
      if (few.isPresent()) {
        return few;
      }
      if (s.costSum() == 0 && c.costSum() > 0) {
        return Optional.of("stable costs nothing: no ratio to judge");
      }
      return Optional.empty();
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
      return new Check(t.crediblyPositive(), describe(t, "canary above " + pct(r) + " of stable") + cvNote());
    }

    @Override
    public Check crediblyPast(double ratio, double alpha) {
      if (bothFree()) {
        return new Check(false, "both versions cost nothing");
      }
      MixtureTest t = test(ratio, Math.abs(ratio - 1), alpha);
      return new Check(t.crediblyPositive(), describe(t, "canary above " + pct(ratio) + " of stable") + cvNote());
    }

    @Override
    public Check crediblyWithin(double ratio, double alpha) {
      if (bothFree()) {
        return new Check(true, "both versions cost nothing");
      }
      MixtureTest t = test(ratio, Math.abs(ratio - 1), alpha);
      return new Check(t.crediblyNegative(), describe(t, "canary within " + pct(ratio) + " of stable") + cvNote());
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

  // ------------------------------------------------------------------------------------------------------------

  /**
   * p95 latency. The point value is the window's p95 (the median of the per-period series when the window's p95
   * is unknown); credibility is a Mann–Whitney comparison of canary's per-period p95s with ratio × stable's
   * (Kayenta's way), tested with the normal-mixture boundary on θ̂ − ½. A per-period p95 over few requests is
   * biased low and noisier, so at a small canary share the series test loses power (never validity in the
   * direction of false rollbacks); the window p95, over all requests, is the practical check.
   */
  final class Latency implements MetricEvidence {

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

    Latency(VersionStats s, VersionStats c, long minRequests, int minPeriods) {
      this.s = s;
      this.c = c;
      this.minRequests = minRequests;
      this.minPeriods = minPeriods;
      this.stableSeries = sortedSeries(s);
      this.canarySeries = sortedSeries(c);
      this.stableP95 = p95(s, stableSeries);
      this.canaryP95 = p95(c, canarySeries);
    }

    @Override public String metric() { return "p95_latency"; }
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
      Optional<String> bad = requestShortfall(s, c, 1);
      if (bad.isPresent()) {
        return bad;
      }
      for (VersionStats v : List.of(s, c)) {
        String who = v == s ? "stable" : "canary";
        if (!Double.isNaN(v.latencyP95Ms()) && !(v.latencyP95Ms() >= 0 && Double.isFinite(v.latencyP95Ms()))) {
          return Optional.of("invalid " + who + " p95 (" + shown(v.latencyP95Ms()) + ")");
        }
        if ((v == s ? stableSeries : canarySeries) == null) {
          return Optional.of("invalid value in the " + who + " p95 series");
        }
      }
      Optional<String> few = requestShortfall(s, c, minRequests);
      if (few.isPresent()) {
        return few;
      }
      int m = canarySeries.length;
      int n = stableSeries.length;
      if (m < minPeriods || n < minPeriods) {
        return Optional.of(String.format(Locale.ROOT, "%d %s p95 periods (minimum %d)",
            Math.min(m, n), m < minPeriods ? "canary" : "stable", minPeriods));
      }
      return Optional.empty();
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

  // ------------------------------------------------------------------------------------------------------------

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
  record Preference(ScoreStats p, VersionStats s, VersionStats c, long minSamples) implements MetricEvidence {

    static final double EVEN = 0.5;
    static final double MIN_VARIANCE = 0.01;

    @Override public String metric() { return "preference"; }
    /** The reference: an even split, what an identical canary gets. */
    @Override public double stable() { return EVEN; }
    @Override public double canary() { return p.mean(); }
    @Override public long stableSamples() { return p.count(); }
    @Override public long canarySamples() { return p.count(); }

    @Override
    public Optional<String> shortfall() {
      Optional<String> bad = requestShortfall(s, c, 1);
      if (bad.isPresent()) {
        return bad;
      }
      if (p.invalid() || !Double.isFinite(p.squares())) {
        return Optional.of("invalid preference sums (" + shown(p.sum()) + ", squares " + shown(p.squares()) + " over "
            + p.count() + " comparisons)");
      }
      if (p.count() < minSamples) {
        return Optional.of(String.format(Locale.ROOT, "%d pairwise comparisons (minimum %d)", p.count(), minSamples));
      }
      return Optional.empty();
    }

    @Override
    public boolean pastThreshold(double ratio) {
      return canary() < ratio * EVEN;
    }

    @Override
    public Check crediblyWorse(double rollbackRatio, double alpha) {
      double r = credibleRatio(rollbackRatio);
      MixtureTest t = test(r * EVEN, Math.abs(rollbackRatio - r) * EVEN, alpha);
      return new Check(t.crediblyPositive(), describe(t, "canary preferred below " + pct(r * EVEN)));
    }

    @Override
    public Check crediblyPast(double ratio, double alpha) {
      MixtureTest t = test(ratio * EVEN, Math.abs(1 - ratio) * EVEN, alpha);
      return new Check(t.crediblyPositive(), describe(t, "canary preferred below " + pct(ratio * EVEN)));
    }

    @Override
    public Check crediblyWithin(double ratio, double alpha) {
      MixtureTest t = test(ratio * EVEN, Math.abs(1 - ratio) * EVEN, alpha);
      return new Check(t.crediblyNegative(), describe(t, "canary preferred at least " + pct(ratio * EVEN)));
    }

    /** H₀ boundary: mean preference = p0; positive estimate = canary worse. */
    private MixtureTest test(double p0, double effect, double alpha) {
      double n = p.count();
      double aboutNull = p.squares() / n - 2 * p0 * p.mean() + p0 * p0;
      double v0 = Math.max(aboutNull, MIN_VARIANCE) / n;
      return MixtureTest.of(p0 - canary(), v0, Math.max(effect, 1e-3), alpha);
    }
  }
}
