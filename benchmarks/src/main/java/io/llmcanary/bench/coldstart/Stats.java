package io.llmcanary.bench.coldstart;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians and quantiles of run figures (linear interpolation between the closest ranks). */
final class Stats {

  private Stats() {}

  static <T> double median(List<T> runs, ToDoubleFunction<T> f) {
    return quantile(sorted(runs, f), 0.5);
  }

  static <T> double[] sorted(List<T> runs, ToDoubleFunction<T> f) {
    return runs.stream().mapToDouble(f).sorted().toArray();
  }

  /** The q-quantile (0 ≤ q ≤ 1) of ascending values; NaN when there are none. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
