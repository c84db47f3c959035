package io.llmcanary.core.judge;

import io.llmcanary.core.metrics.VersionStats;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What one window says about one metric, and the questions the {@link SequentialJudge} asks of it. Every
 * credibility question is anytime-valid at the level it is given (see {@code docs/judge-design.md}).
 *
 * <p>Ratios are the guardrails' ratios as written (quality: canary vs a fraction of stable, lower is worse;
 * the others: canary vs a multiple of stable, higher is worse).
 */
sealed interface MetricEvidence
    permits QualityEvidence, LatencyEvidence, CostEvidence, RateEvidence, PreferenceEvidence {

  Metric metric();

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
    return fewer(s.requests(), c.requests(), minRequests, "requests");
  }

  /**
   * The common head of every metric's {@link #shortfall}: counts no window can have, no requests on a side, then
   * the first side whose metric data is unusable ({@code invalid} is asked of stable, then canary, with the
   * side's name).
   */
  static Optional<String> unusable(VersionStats s, VersionStats c,
      BiFunction<VersionStats, String, Optional<String>> invalid) {
    return requestShortfall(s, c, 1)
        .or(() -> invalid.apply(s, "stable"))
        .or(() -> invalid.apply(c, "canary"));
  }

  /** "12 canary judged answers (minimum 30)" when a side has fewer than {@code minimum}; canary named first. */
  static Optional<String> fewer(long stableCount, long canaryCount, long minimum, String noun) {
    if (canaryCount >= minimum && stableCount >= minimum) {
      return Optional.empty();
    }
    boolean canaryShort = canaryCount < minimum;
    return Optional.of(String.format(Locale.ROOT, "%d %s %s (minimum %d)",
        canaryShort ? canaryCount : stableCount, canaryShort ? "canary" : "stable", noun, minimum));
  }

}
