package io.llmcanary.core.stats;

import java.util.Arrays;

/**
 * The Mann–Whitney comparison of two samples against a scaled reference: θ̂ = P(X > c·Y) + ½ P(X = c·Y) over all
 * pairs, with its variance under exchangeability, (m + n + 1) / (12 m n).
 *
 * <p>θ̂ is a two-sample U-statistic; its Hájek projection is a difference of two sample means, so as samples
 * grow it behaves like the mean differences the judge tests elsewhere and can share the same anytime-valid
 * {@link NormalMixture} boundary (asymptotically). Ties are counted as ½ and the no-ties variance is used,
 * which overstates the variance when there are ties: conservative.
 *
 * @param theta        θ̂ in [0, 1]; ½ when neither sample tends to be larger
 * @param nullVariance variance of θ̂ when the two samples are exchangeable
 * @param m            size of x
 * @param n            size of y
 */
public record MannWhitney(double theta, double nullVariance, int m, int n) {

  /** Compares {@code x} with {@code scale} × {@code y}; both non-empty. O((m + n) log(m + n)). */
  public static MannWhitney of(double[] x, double[] y, double scale) {
    double[] xs = x.clone();
    double[] ys = y.clone();
    Arrays.sort(xs);
    Arrays.sort(ys);
    return ofSorted(xs, ys, scale);
  }

  /** As {@link #of}, for samples already sorted ascending (and scale > 0); O(m + n). */
  public static MannWhitney ofSorted(double[] xs, double[] ySorted, double scale) {
    if (xs.length == 0 || ySorted.length == 0) {
      throw new IllegalArgumentException("both samples must be non-empty");
    }
    if (!(scale > 0)) {
      throw new IllegalArgumentException("scale must be positive, got " + scale);
    }
    double[] ys = new double[ySorted.length];
    for (int j = 0; j < ys.length; j++) {
      ys[j] = scale * ySorted[j];
    }
    // For each x (ascending), count the ys strictly below it and those equal to it with two moving pointers.
    double wins = 0;
    int below = 0;
    int atOrBelow = 0;
    for (double v : xs) {
      while (below < ys.length && ys[below] < v) {
        below++;
      }
      if (atOrBelow < below) {
        atOrBelow = below;
      }
      while (atOrBelow < ys.length && ys[atOrBelow] <= v) {
        atOrBelow++;
      }
      wins += below + 0.5 * (atOrBelow - below);
    }
    double m = xs.length;
    double n = ys.length;
    return new MannWhitney(wins / (m * n), (m + n + 1) / (12.0 * m * n), xs.length, ys.length);
  }
}
