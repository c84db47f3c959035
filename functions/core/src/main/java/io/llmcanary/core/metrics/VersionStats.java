package io.llmcanary.core.metrics;

import java.util.List;

/**
 * What CloudWatch can give about one version over one window (docs/architecture.md#the-judge): exact counts and sums, and
 * latency p95 both over the whole window and as a per-period series (one p95 per period), which is what
 * a rank test on latency needs. No variances: CloudWatch does not keep them.
 *
 * @param requests         requests served
 * @param errors           requests that failed (model error, timeout)
 * @param costSum          USD, summed over requests
 * @param qualityCount     explicit user ratings ({@code Quality}: user feedback only, never an automatic check)
 * @param qualitySum       sum of the ratings, each in [0, 1]
 * @param latencyP95Ms     p95 latency over the window, NaN when unknown
 * @param latencyP95Series p95 latency of each period with data, oldest first
 * @param checkFailures    answers that failed an automatic check ({@code CheckFailures}: empty, refusal,
 *                         truncated, invalid JSON), at most one per request
 * @param judge            the quality judge's absolute grades of this version's answers ({@code JudgeScore})
 * @param preference       pairwise mode, on canary's stats only: how often the judge preferred canary's answer to a
 *                         shadow stable answer for the same conversation ({@code Preference} in {0, ½, 1})
 */
public record VersionStats(
    long requests,
    long errors,
    double costSum,
    long qualityCount,
    double qualitySum,
    double latencyP95Ms,
    List<Double> latencyP95Series,
    long checkFailures,
    ScoreStats judge,
    ScoreStats preference) {

  public static final VersionStats EMPTY = new VersionStats(0, 0, 0, 0, 0, Double.NaN, List.of());

  public VersionStats {
    latencyP95Series = latencyP95Series == null ? List.of() : List.copyOf(latencyP95Series);
    judge = judge == null ? ScoreStats.EMPTY : judge;
    preference = preference == null ? ScoreStats.EMPTY : preference;
  }

  /** Without automatic checks or judge grades. */
  public VersionStats(long requests, long errors, double costSum, long qualityCount, double qualitySum,
      double latencyP95Ms, List<Double> latencyP95Series) {
    this(requests, errors, costSum, qualityCount, qualitySum, latencyP95Ms, latencyP95Series, 0, ScoreStats.EMPTY,
        ScoreStats.EMPTY);
  }

  public VersionStats withCheckFailures(long failures) {
    return new VersionStats(requests, errors, costSum, qualityCount, qualitySum, latencyP95Ms, latencyP95Series,
        failures, judge, preference);
  }

  public VersionStats withJudge(ScoreStats grades) {
    return new VersionStats(requests, errors, costSum, qualityCount, qualitySum, latencyP95Ms, latencyP95Series,
        checkFailures, grades, preference);
  }

  public VersionStats withPreference(ScoreStats prefs) {
    return new VersionStats(requests, errors, costSum, qualityCount, qualitySum, latencyP95Ms, latencyP95Series,
        checkFailures, judge, prefs);
  }

  /** Share of requests that failed an automatic check, NaN with no requests. */
  public double checkFailureRate() {
    return requests == 0 ? Double.NaN : (double) checkFailures / requests;
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
