package io.llmcanary.core.config;

/**
 * The judge's thresholds (DESIGN.md §6). Ratios compare canary with stable: a quality ratio of 0.90
 * means "canary quality below 90% of stable is a regression".
 *
 * <p>Rollback thresholds are checked every 15 minutes; gate thresholds decide whether a stage may be
 * promoted. Each regression must be practically large (the threshold) and statistically credible
 * (at confidence 1 - alpha, valid under repeated looks), with minimum samples below which the verdict
 * is INCONCLUSIVE.
 */
public record Guardrails(
    double rollbackQualityRatio,
    double rollbackErrorRateRatio,
    double rollbackLatencyP95Ratio,
    double rollbackCostRatio,
    double gateQualityRatio,
    double gateLatencyP95Ratio,
    double gateCostRatio,
    double gateErrorRateRatio,
    double minErrorRateIncrease,
    double alpha,
    long minRequests,
    long minQualitySamples,
    double hardCeilingErrorRate,
    long hardCeilingMinRequests) {

  public static Guardrails defaults() {
    return new Guardrails(
        0.90, 2.0, 1.5, 1.5,
        0.95, 1.20, 1.30, 1.5,
        0.005, 0.05,
        200, 50,
        0.20, 20);
  }
}
