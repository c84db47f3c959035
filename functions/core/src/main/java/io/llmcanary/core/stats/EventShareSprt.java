package io.llmcanary.core.stats;

/**
 * A mixture SPRT on where rare events (errors) fall, for comparing two rates from exact counts only.
 *
 * <p>Requests are assigned to canary with share π (estimated by the canary's share of requests). If canary's
 * per-request error rate is r times stable's, an error is canary's with probability θ(r) = rπ / (rπ + 1 − π),
 * whatever the common rate is; and errors are independent of each other. So, conditional on the errors seen,
 * which version each error came from is a Bernoulli(θ(r)) sequence: rates compare without a variance to estimate
 * and without dividing by stable's rate (which may be zero). The likelihood ratio of r against the null ratio r₀
 * depends only on (canary errors, total errors), so aggregates suffice.
 *
 * <p>For H₀: r ≤ r₀ the likelihood ratio of each alternative r > r₀ is a nonnegative supermartingale over error
 * events, and so is their average; by Ville's inequality it ever reaches 1/α with probability at most α, at any
 * number of looks. Symmetrically for H₀: r ≥ r₀ with alternatives below r₀ (non-inferiority). Assumes errors are
 * independent given the version; errors clustered on a few users would overstate the evidence.
 */
public final class EventShareSprt {

  private EventShareSprt() {}

  /** θ(r): the probability that an error is canary's when canary's error rate is {@code rateRatio} × stable's. */
  public static double canaryProbability(double rateRatio, double canaryShare) {
    double a = rateRatio * canaryShare;
    return a / (a + 1.0 - canaryShare);
  }

  /**
   * log of the average likelihood ratio, over {@code alternatives}, against the null ratio.
   *
   * @param canaryEvents events (errors) on canary
   * @param totalEvents  events on both versions
   * @param canaryShare  canary's share of requests, in (0, 1)
   * @param nullRatio    r₀
   * @param alternatives rate ratios of the mixture, all on one side of r₀, equally weighted
   */
  public static double logEvidence(long canaryEvents, long totalEvents, double canaryShare, double nullRatio,
      double[] alternatives) {
    double[] w = new double[alternatives.length];
    java.util.Arrays.fill(w, 1.0 / alternatives.length);
    return logEvidence(canaryEvents, totalEvents, canaryShare, nullRatio, alternatives, w);
  }

  /**
   * As {@link #logEvidence(long, long, double, double, double[])}, with mixture weights (summing to at most 1:
   * a sub-probability mixture of supermartingales is still one).
   */
  public static double logEvidence(long canaryEvents, long totalEvents, double canaryShare, double nullRatio,
      double[] alternatives, double[] weights) {
    if (weights.length != alternatives.length) {
      throw new IllegalArgumentException("one weight per alternative");
    }
    if (totalEvents <= 0 || canaryEvents < 0 || canaryEvents > totalEvents || !(canaryShare > 0 && canaryShare < 1)) {
      return 0.0; // nothing to weigh (or a split so lopsided that doubles cannot tell it from 0 or 1)
    }
    double t0 = canaryProbability(nullRatio, canaryShare);
    long k = canaryEvents;
    long rest = totalEvents - canaryEvents;
    double max = Double.NEGATIVE_INFINITY;
    double[] logs = new double[alternatives.length];
    for (int i = 0; i < alternatives.length; i++) {
      double t = canaryProbability(alternatives[i], canaryShare);
      logs[i] = Math.log(weights[i]) + k * Math.log(t / t0) + rest * Math.log1p(-t) - rest * Math.log1p(-t0);
      max = Math.max(max, logs[i]);
    }
    double sum = 0;
    for (double l : logs) {
      sum += Math.exp(l - max);
    }
    double result = max + Math.log(sum);
    return Double.isNaN(result) ? 0.0 : result;
  }
}
