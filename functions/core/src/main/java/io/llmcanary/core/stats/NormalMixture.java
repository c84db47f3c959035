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
    if (!(u > 1e-12) || !(alpha > 0 && alpha < 1) || u == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double target = -Math.log(alpha);
    double a = u / (1.0 + u);
    double sqrtA = Math.sqrt(a);
    // log M is increasing in z >= 0. Ignoring the Φ factor (<= 1) gives a lower bound for the root in closed
    // form; replacing it by its minimum ½ gives an upper bound. Newton from the lower one, kept in the bracket.
    double lo = Math.sqrt(2.0 * Math.max(0, target - LN2 + 0.5 * Math.log1p(u)) / a);
    double hi = Math.sqrt(2.0 * (target + 0.5 * Math.log1p(u)) / a) + 1e-9;
    double z = lo;
    for (int i = 0; i < 100; i++) {
      double f = logMartingale(z, u) - target;
      if (Math.abs(f) < 1e-10) {
        return z;
      }
      if (f > 0) {
        hi = z;
      } else {
        lo = z;
      }
      double x = z * sqrtA;
      // d/dz log Φ(x) = √a φ(x)/Φ(x); φ/Φ via logs so it stays finite in the tail.
      double mills = Math.exp(-0.5 * x * x - 0.5 * Math.log(2 * Math.PI) - Normal.logCdf(x));
      double slope = z * a + sqrtA * mills;
      double next = z - f / slope;
      z = next > lo && next < hi && Double.isFinite(next) ? next : 0.5 * (lo + hi);
      if (hi - lo < 1e-12 * Math.max(1.0, hi)) {
        return hi;
      }
    }
    return hi;
  }
}
