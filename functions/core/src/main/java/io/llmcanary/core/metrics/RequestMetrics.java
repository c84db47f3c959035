package io.llmcanary.core.metrics;

import io.llmcanary.core.config.Variant;

/**
 * What one request contributes to the per-version metrics (docs/architecture.md#metrics-and-their-cloudwatch-query), or one observation that arrives after
 * it (a user's rating, the quality judge's grade). Carries no user id, prompt or answer text by construction.
 *
 * <p>The three quality signals stay apart: {@code quality} is explicit user feedback only; {@code checkFailure}
 * says the answer failed an automatic check (a count per request, like an error); {@code judgeScore} and
 * {@code preference} are the quality judge's grades.
 *
 * @param quality      0..1, a user's rating, else {@code null}
 * @param checkFailure the answer failed an automatic check (empty, refusal, truncated, invalid JSON)
 * @param judgeScore   the quality judge's absolute grade of this answer in [0, 1], else {@code null}
 * @param preference   pairwise mode: the judge's preference for canary's answer over a shadow stable answer (0, ½
 *                     or 1), else {@code null}
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
    Double quality,
    boolean checkFailure,
    Double judgeScore,
    Double preference) {

  static final String FEEDBACK = "feedback";
  static final String JUDGE = "judge";

  /** A served request (or a failed one) without a check failure or a grade. */
  public RequestMetrics(String application, String rolloutId, Variant version, String requestId, String model,
      String finishReason, long timestampMillis, boolean error, double latencyMs, long inputTokens,
      long outputTokens, double cost, Double quality) {
    this(application, rolloutId, version, requestId, model, finishReason, timestampMillis, error, latencyMs,
        inputTokens, outputTokens, cost, quality, false, null, null);
  }

  /** A quality observation on its own (explicit feedback arrives after the request). */
  public static RequestMetrics feedback(String application, String rolloutId, Variant version, String requestId,
      long timestampMillis, double quality) {
    return new RequestMetrics(application, rolloutId, version, requestId, null, FEEDBACK, timestampMillis,
        false, Double.NaN, 0, 0, Double.NaN, quality);
  }

  /** One of the quality judge's grades on its own: an absolute score, or (pairwise) a preference, never both. */
  public static RequestMetrics judged(String application, String rolloutId, Variant version, String requestId,
      long timestampMillis, Double judgeScore, Double preference) {
    return new RequestMetrics(application, rolloutId, version, requestId, null, JUDGE, timestampMillis, false,
        Double.NaN, 0, 0, Double.NaN, null, false, judgeScore, preference);
  }

  /** True for a feedback-only record: it carries Quality and nothing else. */
  public boolean isFeedbackOnly() {
    return FEEDBACK.equals(finishReason) && Double.isNaN(latencyMs);
  }

  /** True for a judge-only record: it carries JudgeScore or Preference and nothing else. */
  public boolean isJudgeOnly() {
    return JUDGE.equals(finishReason) && Double.isNaN(latencyMs);
  }

  /** A later observation about a request already counted: it adds no request. */
  public boolean isObservationOnly() {
    return isFeedbackOnly() || isJudgeOnly();
  }
}
