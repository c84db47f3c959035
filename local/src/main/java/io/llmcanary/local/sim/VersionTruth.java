package io.llmcanary.local.sim;

/**
 * The true behaviour of one version in a simulation: what a judge tries to learn from samples.
 *
 * @param quality          mean quality; each observation is a thumbs up (1) with this probability, else 0
 * @param qualityObserved  share of successful requests that get a user rating (feedback rate)
 * @param errorRate        share of requests that fail
 * @param checkFailureRate share of successful answers that fail an automatic check (empty, refusal, truncated,
 *                         invalid JSON)
 * @param latencyMedianMs  median latency; latency is log-normal
 * @param latencySigma     log-normal sigma (0.31 gives p95 ≈ 1.67 × median)
 * @param inputTokens      mean input tokens per request
 * @param outputTokens     mean output tokens per request
 * @param inputPerMTok     USD per million input tokens
 * @param outputPerMTok    USD per million output tokens
 */
public record VersionTruth(
    double quality,
    double qualityObserved,
    double errorRate,
    double checkFailureRate,
    double latencyMedianMs,
    double latencySigma,
    double inputTokens,
    double outputTokens,
    double inputPerMTok,
    double outputPerMTok) {

  /** Explicit ratings come back on 1–3% of answers in real chat products (docs/architecture.md#metrics-and-their-cloudwatch-query). */
  public static final double DEFAULT_FEEDBACK_RATE = 0.02;

  /**
   * The default truth: quality 0.85 rated on 2% of answers, 1% errors, 1% of answers failing an automatic check,
   * latency log-normal around 1.2 s with p95 ≈ 2 s, tokens and prices giving about $0.004 a request.
   */
  public static VersionTruth defaultStable() {
    return defaultStable(DEFAULT_FEEDBACK_RATE);
  }

  public static VersionTruth defaultStable(double feedbackRate) {
    return new VersionTruth(0.85, feedbackRate, 0.01, 0.01, 1200, Math.log(2000.0 / 1200.0) / 1.6449, 400, 190,
        3.0, 15.0);
  }

  public double meanCost() {
    return (inputTokens * inputPerMTok + outputTokens * outputPerMTok) / 1_000_000.0;
  }

  public VersionTruth withQuality(double q) {
    return new VersionTruth(q, qualityObserved, errorRate, checkFailureRate, latencyMedianMs, latencySigma,
        inputTokens, outputTokens, inputPerMTok, outputPerMTok);
  }

  public VersionTruth withFeedbackRate(double f) {
    return new VersionTruth(quality, f, errorRate, checkFailureRate, latencyMedianMs, latencySigma, inputTokens,
        outputTokens, inputPerMTok, outputPerMTok);
  }

  public VersionTruth withErrorRate(double e) {
    return new VersionTruth(quality, qualityObserved, e, checkFailureRate, latencyMedianMs, latencySigma,
        inputTokens, outputTokens, inputPerMTok, outputPerMTok);
  }

  public VersionTruth withLatencyFactor(double f) {
    return new VersionTruth(quality, qualityObserved, errorRate, checkFailureRate, latencyMedianMs * f,
        latencySigma, inputTokens, outputTokens, inputPerMTok, outputPerMTok);
  }

  public VersionTruth withCostFactor(double f) {
    return new VersionTruth(quality, qualityObserved, errorRate, checkFailureRate, latencyMedianMs, latencySigma,
        inputTokens * f, outputTokens * f, inputPerMTok, outputPerMTok);
  }

  public VersionTruth withCheckFailureRate(double r) {
    return new VersionTruth(quality, qualityObserved, errorRate, r, latencyMedianMs, latencySigma, inputTokens,
        outputTokens, inputPerMTok, outputPerMTok);
  }
}
