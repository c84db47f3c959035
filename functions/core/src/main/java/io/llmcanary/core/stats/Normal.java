package io.llmcanary.core.stats;

/** The standard normal distribution, as far as the judge needs it. JDK only. */
public final class Normal {

  private static final double SQRT2 = Math.sqrt(2.0);
  private static final double LN2 = Math.log(2.0);

  private Normal() {}

  /** Φ(x). */
  public static double cdf(double x) {
    return x >= 0 ? 1.0 - 0.5 * erfcPositive(x / SQRT2) : 0.5 * erfcPositive(-x / SQRT2);
  }

  /** log Φ(x), accurate far into the lower tail where Φ itself underflows to 0. */
  public static double logCdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= 0) {
      return Math.log1p(-0.5 * erfcPositive(x / SQRT2));
    }
    return logErfcPositive(-x / SQRT2) - LN2;
  }

  private static double erfcPositive(double z) {
    return Math.exp(logErfcPositive(z));
  }

  /**
   * log erfc(z) for z >= 0 by the Chebyshev-fitted form of Numerical Recipes' {@code erfcc} (relative error
   * below 1.2e-7 everywhere), computed in log space so that it never underflows.
   */
  private static double logErfcPositive(double z) {
    if (z == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double t = 1.0 / (1.0 + 0.5 * z);
    double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    return Math.log(t) - z * z + poly;
  }
}
