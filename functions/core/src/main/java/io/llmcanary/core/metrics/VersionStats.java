package io.llmcanary.core.metrics;

import java.util.List;

/**
 * What CloudWatch can give about one version over one window (DESIGN.md §6): exact counts and sums, and
 * latency p95 both over the whole window and as a per-period series (one p95 per period), which is what
 * a rank test on latency needs. No variances: CloudWatch does not keep them.
 *
 * @param requests         requests served
 * @param errors           requests that failed (model error, timeout)
 * @param costSum          USD, summed over requests
 * @param qualityCount     quality observations (feedback and automatic checks)
 * @param qualitySum       sum of quality observations, each in [0, 1]
 * @param latencyP95Ms     p95 latency over the window, NaN when unknown
 * @param latencyP95Series p95 latency of each period with data, oldest first
 */
public record VersionStats(
    long requests,
    long errors,
    double costSum,
    long qualityCount,
    double qualitySum,
    double latencyP95Ms,
    List<Double> latencyP95Series) {

  public static final VersionStats EMPTY = new VersionStats(0, 0, 0, 0, 0, Double.NaN, List.of());

  public VersionStats {
    latencyP95Series = latencyP95Series == null ? List.of() : List.copyOf(latencyP95Series);
  }

  /** Error rate, NaN with no requests (callers must not divide by zero). */
  public double errorRate() {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }

  public double meanCost() {
    return requests == 0 ? Double.NaN : costSum / requests;
  }

  public double meanQuality() {
    return qualityCount == 0 ? Double.NaN : qualitySum / qualityCount;
  }
}
