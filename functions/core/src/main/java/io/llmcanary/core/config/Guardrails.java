package io.llmcanary.core.config;

/**
 * The judge's thresholds (docs/architecture.md#the-judge). Ratios compare canary with stable: a quality ratio of 0.90
 * means "canary quality below 90% of stable is a regression".
 *
 * <p>Rollback thresholds are checked every 15 minutes; gate thresholds decide whether a stage may be
 * promoted. Each regression must be practically large (the threshold) and statistically credible
 * (at confidence 1 - alpha, valid under repeated looks), with minimum samples below which the verdict
 * is INCONCLUSIVE.
 *
 * <p>Each quality signal has its own thresholds (docs/architecture.md#quality-signals): {@code CheckFailures} is a rate with exact
 * counts like errors (ratio and absolute floor); the judge's absolute {@code JudgeScore} is a mean in [0, 1] like
 * user feedback; the pairwise {@code Preference} (how often the judge prefers canary's answer to stable's for the
 * same conversation; ½ when they are as good) is compared with an absolute level below ½.
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
    long hardCeilingMinRequests,
    double rollbackCheckFailureRatio,
    double gateCheckFailureRatio,
    double minCheckFailureIncrease,
    double rollbackJudgeScoreRatio,
    double gateJudgeScoreRatio,
    long minJudgeSamples,
    double rollbackPreference,
    double gatePreference) {

  public static final double DEFAULT_ROLLBACK_CHECK_FAILURE_RATIO = 2.0;
  public static final double DEFAULT_GATE_CHECK_FAILURE_RATIO = 1.5;
  public static final double DEFAULT_MIN_CHECK_FAILURE_INCREASE = 0.005;
  public static final double DEFAULT_ROLLBACK_JUDGE_SCORE_RATIO = 0.90;
  public static final double DEFAULT_GATE_JUDGE_SCORE_RATIO = 0.95;
  public static final long DEFAULT_MIN_JUDGE_SAMPLES = 50;
  /**
   * Canary preferred in fewer than 47% of comparisons (ties counted ½): a regression, if credible. In the simulator's
   * truth model (a judge agreeing with the truth 80% of the time, half of an answer's quality decided by the
   * conversation) that is a canary about 10% worse, like the feedback row's 90%.
   */
  public static final double DEFAULT_ROLLBACK_PREFERENCE = 0.47;
  /** The gate wants canary credibly preferred in at least 48.5% of comparisons: about 5% worse, in the same model. */
  public static final double DEFAULT_GATE_PREFERENCE = 0.485;

  public static Guardrails defaults() {
    return new Guardrails(
        0.90, 2.0, 1.5, 1.5,
        0.95, 1.20, 1.30, 1.5,
        0.005, 0.05,
        200, 50,
        0.20, 20);
  }

  /** The fourteen settings that predate the separate check-failure and judge rows; those take their defaults. */
  public Guardrails(double rollbackQualityRatio, double rollbackErrorRateRatio, double rollbackLatencyP95Ratio,
      double rollbackCostRatio, double gateQualityRatio, double gateLatencyP95Ratio, double gateCostRatio,
      double gateErrorRateRatio, double minErrorRateIncrease, double alpha, long minRequests,
      long minQualitySamples, double hardCeilingErrorRate, long hardCeilingMinRequests) {
    this(rollbackQualityRatio, rollbackErrorRateRatio, rollbackLatencyP95Ratio, rollbackCostRatio, gateQualityRatio,
        gateLatencyP95Ratio, gateCostRatio, gateErrorRateRatio, minErrorRateIncrease, alpha, minRequests,
        minQualitySamples, hardCeilingErrorRate, hardCeilingMinRequests, DEFAULT_ROLLBACK_CHECK_FAILURE_RATIO,
        DEFAULT_GATE_CHECK_FAILURE_RATIO, DEFAULT_MIN_CHECK_FAILURE_INCREASE, DEFAULT_ROLLBACK_JUDGE_SCORE_RATIO,
        DEFAULT_GATE_JUDGE_SCORE_RATIO, DEFAULT_MIN_JUDGE_SAMPLES, DEFAULT_ROLLBACK_PREFERENCE,
        DEFAULT_GATE_PREFERENCE);
  }
}
