package io.llmcanary.local.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One policy's figures over many trials of a scenario.
 *
 * @param falseRollbackRate share of trials rolled back although the canary was as good as stable (A/A
 *                          scenarios only; NaN otherwise)
 * @param detectionRate     share of trials rolled back when the canary was worse (NaN for A/A scenarios)
 * @param delayMedian       median health checks from start to rollback, over rolled-back trials (NaN if none)
 * @param delayP90          90th percentile of the same
 * @param outcomes          trials counted by final state
 * @param detectedInStage1  share of trials rolled back within the first stage (check 96 or earlier), NaN for A/A
 * @param judgedPerDay      mean judged answers (absolute) or comparisons (pairwise) per simulated day
 */
public record TrialSummary(String policy, int trials, double falseRollbackRate, double detectionRate,
    double delayMedian, double delayP90, Map<String, Integer> outcomes, double detectedInStage1,
    double judgedPerDay) {

  /** The checks of the first stage: a day of 15-minute checks. */
  public static final int FIRST_STAGE_CHECKS = 96;

  public static TrialSummary of(String policy, Scenario scenario, List<SimulationResult> results) {
    Map<String, Integer> outcomes = new TreeMap<>();
    results.forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
    int[] delays = results.stream().filter(SimulationResult::rolledBack).mapToInt(SimulationResult::rollbackCheck)
        .sorted().toArray();
    double rolledBack = (double) delays.length / results.size();
    double inStage1 = (double) Arrays.stream(delays).filter(d -> d <= FIRST_STAGE_CHECKS).count() / results.size();
    double judged = results.stream().mapToLong(SimulationResult::judged).sum();
    double days = results.stream().mapToDouble(r -> r.checks() / (double) FIRST_STAGE_CHECKS).sum();
    return new TrialSummary(policy, results.size(),
        scenario.noRegression() ? rolledBack : Double.NaN,
        scenario.noRegression() ? Double.NaN : rolledBack,
        quantile(delays, 0.5), quantile(delays, 0.9), outcomes,
        scenario.noRegression() ? Double.NaN : inStage1, days == 0 ? 0 : judged / days);
  }

  /** Nearest-rank quantile, NaN when empty. */
  static double quantile(int[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  @Override
  public String toString() {
    return policy + " " + Arrays.toString(new double[] {falseRollbackRate, detectionRate, delayMedian, delayP90})
        + " " + outcomes;
  }
}
