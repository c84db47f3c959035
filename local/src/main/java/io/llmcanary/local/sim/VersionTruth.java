package io.llmcanary.local.sim;

/**
 * The true behaviour of one version in a simulation: what a judge tries to learn from samples.
 *
 * @param quality          mean quality; each observation is a thumbs up (1) with this probability, else 0
 * @param qualityObserved  share of successful requests that get a quality observation (feedback rate)
 * @param errorRate        share of requests that fail
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
    double latencyMedianMs,
    double latencySigma,
    double inputTokens,
    double outputTokens,
    double inputPerMTok,
    double outputPerMTok) {

  /**
   * DESIGN.md §13's default: quality 0.85 seen on 30% of requests, 1% errors, latency log-normal around
   * 1.2 s with p95 ≈ 2 s, tokens and prices giving about $0.004 a request.
   */
  public static VersionTruth defaultStable() {
    return new VersionTruth(0.85, 0.30, 0.01, 1200, Math.log(2000.0 / 1200.0) / 1.6449, 400, 190, 3.0, 15.0);
  }

  public double meanCost() {
    return (inputTokens * inputPerMTok + outputTokens * outputPerMTok) / 1_000_000.0;
  }

  public VersionTruth withQuality(double q) {
    return new VersionTruth(q, qualityObserved, errorRate, latencyMedianMs, latencySigma, inputTokens, outputTokens,
        inputPerMTok, outputPerMTok);
  }

  public VersionTruth withErrorRate(double e) {
    return new VersionTruth(quality, qualityObserved, e, latencyMedianMs, latencySigma, inputTokens, outputTokens,
        inputPerMTok, outputPerMTok);
  }

  public VersionTruth withLatencyFactor(double f) {
    return new VersionTruth(quality, qualityObserved, errorRate, latencyMedianMs * f, latencySigma, inputTokens,
        outputTokens, inputPerMTok, outputPerMTok);
  }

  public VersionTruth withCostFactor(double f) {
    return new VersionTruth(quality, qualityObserved, errorRate, latencyMedianMs, latencySigma, inputTokens * f,
        outputTokens * f, inputPerMTok, outputPerMTok);
  }
}
