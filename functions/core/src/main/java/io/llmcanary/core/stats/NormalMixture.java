package io.llmcanary.core.stats;

/**
 * Robbins' normal-mixture sequential test, one-sided: the anytime-valid critical value for a statistic that is
 * (asymptotically) a Gaussian random walk in information time.
 *
 * <p>Let S = (θ̂ − θ₀)·I be the score of an estimate θ̂ with variance V = 1/I under the null θ = θ₀. Under the
 * null, S is a Brownian motion in I, so for every λ ≥ 0 the process exp(λS − λ²I/2) is a (super)martingale.
 * Mixing λ over a half-normal with scale 1/τ (τ: the effect size we care about, e.g. the gap between stable and
 * the threshold) gives the closed form
 *
 * <pre>  M = 2 / sqrt(1 + u) · exp(z² u / (2(1 + u))) · Φ(z sqrt(u / (1 + u))),   u = τ²/V = I·τ²,  z = (θ̂ − θ₀)/√V</pre>
 *
 * and Ville's inequality bounds P(M ever reaches 1/α) by α: the test may be looked at after every batch of data,
 * for ever, and the chance of a false crossing over all looks together stays below α. This is the one-sided
 * normal mixture of Howard, Ramdas, McAuliffe and Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences"), equivalently the mSPRT of Johari, Pekelis and Walsh (2017, "Always valid inference")
 * restricted to one side. With an estimated or bounded variance it is an asymptotic confidence sequence
 * (Waudby-Smith et al. 2021): valid as counts grow, which they do here (thousands of requests a day).
 *
 * <p>τ only moves where the boundary is tightest (around u ≈ 10); the validity does not depend on it.
 */
public final class NormalMixture {

  private static final double LN2 = Math.log(2.0);

  private NormalMixture() {}

  /** log M at standardized statistic z and information ratio u = τ²/V (see the class comment). */
  public static double logMartingale(double z, double u) {
    double a = u / (1.0 + u);
    return LN2 - 0.5 * Math.log1p(u) + 0.5 * z * z * a + Normal.logCdf(z * Math.sqrt(a));
  }

  /**
   * The smallest z at which M reaches 1/α: reject "θ ≤ θ₀" once z ≥ this, at any look. Infinite when there is
   * (practically) no information yet.
   */
  public static double criticalZ(double u, double alpha) {
    if (!(u > 1e-12) || !(alpha > 0 && alpha < 1)) {
      return Double.POSITIVE_INFINITY;
    }
    double target = -Math.log(alpha);
    double a = u / (1.0 + u);
    // At z = hi, log M >= -log(1+u)/2 + z²a/2 >= target (the Φ factor is at least 1/2, cancelling the 2).
    double lo = 0;
    double hi = Math.sqrt(2.0 * (target + 0.5 * Math.log1p(u)) / a) + 1e-9;
    for (int i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1.0, hi); i++) {
      double mid = 0.5 * (lo + hi);
      if (logMartingale(mid, u) >= target) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
