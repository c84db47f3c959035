package io.llmcanary.core.stats;

/** The standard normal distribution, as far as the judge needs it. JDK only. */
public final class Normal {

  private static final double SQRT2 = Math.sqrt(2.0);
  private static final double LN2 = Math.log(2.0);
  private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
  private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

  private Normal() {}

  /** Φ(x). */
  public static double cdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    return x >= 0 ? 1.0 - 0.5 * Math.exp(logErfc(x / SQRT2)) : 0.5 * Math.exp(logErfc(-x / SQRT2));
  }

  /** log Φ(x), accurate far into the lower tail where Φ itself underflows to 0. */
  public static double logCdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= 0) {
      return Math.log1p(-0.5 * Math.exp(logErfc(x / SQRT2)));
    }
    return logErfc(-x / SQRT2) - LN2;
  }

  /**
   * log erfc(z) for z >= 0, to near double precision: below 2.5 as 1 − erf(z) with erf's series of positive terms
   * (erf z = 2/√π · e^{−z²} · Σ 2ⁿ z^{2n+1} / (1·3···(2n+1)), no cancellation); above, by the continued fraction
   * erfc z = e^{−z²}/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + ...)))) (Abramowitz and Stegun 7.1.14), in log space so it
   * never underflows.
   */
  static double logErfc(double z) {
    if (z == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    if (z < 2.5) {
      double term = z;
      double sum = z;
      for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
        term *= 2 * z * z / (2 * n + 1);
        sum += term;
      }
      return Math.log1p(-TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum);
    }
    double t = z;
    for (int n = 60; n >= 1; n--) {
      t = z + 0.5 * n / t;
    }
    return -z * z - LOG_SQRT_PI - Math.log(t);
  }
}
