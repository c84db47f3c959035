package io.llmcanary.core.quality;

/**
 * The outcome of the automatic checks on one answer (docs/architecture.md#metrics-and-their-cloudwatch-query). A failed check is counted as a
 * {@code CheckFailures} event of the request, judged as a rate with exact counts like errors; it is never a
 * quality score. Scoring failures as 0 inside the feedback mean would dilute both signals: at real feedback rates
 * (1–3% of answers rated) the zeros would be a large share of the "ratings".
 */
public enum AnswerCheck {
  /** No check failed; quality unknown. */
  PASSED,
  /** The answer is empty or only whitespace. */
  EMPTY,
  /** The model declined to answer, or the provider's content filter or guardrail stopped it. */
  REFUSAL,
  /** Cut off by the version's maxTokens. */
  TRUNCATED,
  /** The client asked for JSON and the answer is not a JSON value. */
  INVALID_JSON;

  public boolean failed() {
    return this != PASSED;
  }

  /** Lower-case name for logs and metric properties. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
