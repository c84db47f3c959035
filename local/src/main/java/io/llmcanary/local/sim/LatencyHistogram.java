package io.llmcanary.local.sim;

/**
 * Latency percentiles without keeping every sample: log-spaced buckets 1% apart from 1 ms to ~10 min,
 * so a percentile is within 1% of the exact one. The simulator keeps one per version and window.
 */
final class LatencyHistogram {

  private static final double STEP = Math.log(1.01);
  private static final int SIZE = (int) Math.ceil(Math.log(600_000) / STEP) + 1;

  private final long[] counts = new long[SIZE];
  private long total;

  void add(double ms) {
    int i = ms <= 1 ? 0 : Math.min(SIZE - 1, (int) (Math.log(ms) / STEP));
    counts[i]++;
    total++;
  }

  void addAll(LatencyHistogram other) {
    for (int i = 0; i < SIZE; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The q-quantile (0..1), NaN when empty. */
  double quantile(double q) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < SIZE; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.exp((i + 0.5) * STEP);
      }
    }
    return Math.exp(SIZE * STEP);
  }
}
