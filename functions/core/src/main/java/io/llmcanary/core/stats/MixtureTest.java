package io.llmcanary.core.stats;

/**
 * One anytime-valid test of a difference: an estimate, its variance under the null, and the critical value of
 * the {@link NormalMixture} boundary at level α on each side.
 *
 * <p>The variance is the one the null implies (a score test): it does not move with the canary's own noisy
 * estimate, which keeps the test monotone (a better canary can only look better) and valid where it matters,
 * at the boundary of the null.
 *
 * @param estimate     θ̂ − θ₀, oriented so that positive means "worse for the canary"
 * @param nullVariance variance of the estimate under the null
 * @param z            estimate / sqrt(nullVariance); NaN when there is no usable variance
 * @param criticalZ    the anytime-valid one-sided critical value at level alpha
 * @param alpha        level of each one-sided test
 */
public record MixtureTest(double estimate, double nullVariance, double z, double criticalZ, double alpha) {

  /**
   * @param estimate     θ̂ − θ₀ (positive: canary worse than the null boundary)
   * @param nullVariance variance of the estimate at the null boundary
   * @param effectScale  τ, the size of effect the boundary is tuned for (same unit as the estimate)
   * @param alpha        one-sided level
   */
  public static MixtureTest of(double estimate, double nullVariance, double effectScale, double alpha) {
    if (!Double.isFinite(estimate) || !(nullVariance > 0) || !Double.isFinite(nullVariance)
        || !(effectScale > 0) || !Double.isFinite(effectScale)) {
      return new MixtureTest(estimate, nullVariance, Double.NaN, Double.POSITIVE_INFINITY, alpha);
    }
    double u = effectScale * effectScale / nullVariance;
    return new MixtureTest(estimate, nullVariance, estimate / Math.sqrt(nullVariance),
        NormalMixture.criticalZ(u, alpha), alpha);
  }

  /** Credibly above the null boundary (θ > θ₀), at any look. */
  public boolean crediblyPositive() {
    return z >= criticalZ;
  }

  /** Credibly below the null boundary (θ < θ₀), at any look. */
  public boolean crediblyNegative() {
    return z <= -criticalZ;
  }
}
