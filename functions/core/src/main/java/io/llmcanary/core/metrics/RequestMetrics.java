package io.llmcanary.core.metrics;

import io.llmcanary.core.config.Variant;

/**
 * What one request contributes to the per-version metrics (DESIGN.md §5). Carries no user id, prompt or
 * answer text by construction.
 *
 * @param quality 0..1 when known (explicit feedback or an automatic check), else {@code null}
 */
public record RequestMetrics(
    String application,
    String rolloutId,
    Variant version,
    String requestId,
    String model,
    String finishReason,
    long timestampMillis,
    boolean error,
    double latencyMs,
    long inputTokens,
    long outputTokens,
    double cost,
    Double quality) {

  /** A quality observation on its own (explicit feedback arrives after the request). */
  public static RequestMetrics feedback(String application, String rolloutId, Variant version, String requestId,
      long timestampMillis, double quality) {
    return new RequestMetrics(application, rolloutId, version, requestId, null, "feedback", timestampMillis,
        false, Double.NaN, 0, 0, Double.NaN, quality);
  }

  /** True for a feedback-only record: it carries Quality and nothing else. */
  public boolean isFeedbackOnly() {
    return "feedback".equals(finishReason) && Double.isNaN(latencyMs);
  }
}
