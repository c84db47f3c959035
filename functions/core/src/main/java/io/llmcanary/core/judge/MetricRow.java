package io.llmcanary.core.judge;

/**
 * One metric's line in a verdict: what was compared, against which threshold, and what came of it.
 *
 * @param metric        which metric (its {@link Metric#label()} is the table's name for it)
 * @param stable        stable's value (NaN when unknown)
 * @param canary        canary's value (NaN when unknown)
 * @param diffPercent   (canary - stable) / stable in percent, NaN when stable is 0 or unknown
 * @param threshold     the rule as a person reads it, e.g. {@code canary >= 90% of stable}
 * @param result        this metric's own outcome
 * @param stableSamples observations behind stable's value
 * @param canarySamples observations behind canary's value
 * @param detail        why, briefly: the test used, its statistic, or which minimum was not met
 */
public record MetricRow(
    Metric metric,
    double stable,
    double canary,
    double diffPercent,
    String threshold,
    Outcome result,
    long stableSamples,
    long canarySamples,
    String detail) {

  public static double diffPercent(double stable, double canary) {
    if (Double.isNaN(stable) || Double.isNaN(canary) || stable == 0) {
      return Double.NaN;
    }
    return (canary - stable) / Math.abs(stable) * 100.0;
  }
}
