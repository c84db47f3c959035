package io.llmcanary.local.sim;

import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Sums one version's minutes into what CloudWatch would answer for a window: counts, sums, p95s. */
final class WindowAccumulator {

  /** One minute of one version, reused to avoid garbage. */
  static final class Minute {
    long requests;
    long errors;
    long qualityCount;
    long qualitySum;
    double costSum;
    long checkFailures;
    long judgeCount;
    long judgeSum;
    long preferenceCount;
    double preferenceSum;
    double preferenceSquares;
    private double[] latencies = new double[256];

    double[] latencies(long n) {
      if (latencies.length < n) {
        latencies = new double[(int) Math.max(n, latencies.length * 2L)];
      }
      return latencies;
    }

    void reset() {
      requests = 0;
      errors = 0;
      qualityCount = 0;
      qualitySum = 0;
      costSum = 0;
      checkFailures = 0;
      judgeCount = 0;
      judgeSum = 0;
      preferenceCount = 0;
      preferenceSum = 0;
      preferenceSquares = 0;
    }
  }

  private long requests;
  private long errors;
  private double costSum;
  private long qualityCount;
  private double qualitySum;
  private long checkFailures;
  private ScoreStats judge = ScoreStats.EMPTY;
  private ScoreStats preference = ScoreStats.EMPTY;
  private final LatencyHistogram histogram = new LatencyHistogram();
  private final List<Double> minuteP95s = new ArrayList<>();

  void add(Minute m) {
    if (m.requests == 0) {
      return;
    }
    checkFailures += m.checkFailures;
    judge = judge.plus(new ScoreStats(m.judgeCount, m.judgeSum, m.judgeSum)); // pass/fail grades: x² = x
    preference = preference.plus(new ScoreStats(m.preferenceCount, m.preferenceSum, m.preferenceSquares));
    requests += m.requests;
    errors += m.errors;
    costSum += m.costSum;
    qualityCount += m.qualityCount;
    qualitySum += m.qualitySum;
    int n = (int) m.requests;
    double[] lat = m.latencies(n);
    for (int i = 0; i < n; i++) {
      histogram.add(lat[i]);
    }
    Arrays.sort(lat, 0, n);
    // CloudWatch's p95 of a period: nearest-rank on that period's samples.
    minuteP95s.add(lat[Math.max(0, (int) Math.ceil(0.95 * n) - 1)]);
  }

  void addAll(WindowAccumulator other) {
    requests += other.requests;
    errors += other.errors;
    costSum += other.costSum;
    qualityCount += other.qualityCount;
    qualitySum += other.qualitySum;
    checkFailures += other.checkFailures;
    judge = judge.plus(other.judge);
    preference = preference.plus(other.preference);
    histogram.addAll(other.histogram);
    minuteP95s.addAll(other.minuteP95s);
  }

  VersionStats stats() {
    return new VersionStats(requests, errors, costSum, qualityCount, qualitySum, histogram.quantile(0.95),
        List.copyOf(minuteP95s), checkFailures, judge, preference);
  }
}
