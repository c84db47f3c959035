package io.llmcanary.core.quality;

/**
 * The outcome of the automatic checks on one answer (DESIGN.md §5). A check can only prove an answer bad, never
 * good, so a passing answer carries no quality observation: its quality is left to explicit feedback. Scoring
 * passes as 1.0 would swamp the feedback signal (every request scored, only a few rated) and hide a canary whose
 * answers users like less.
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

  /** The quality observation this check contributes: 0 for a failed check, none for a pass. */
  public Double qualityScore() {
    return this == PASSED ? null : 0.0;
  }

  public boolean failed() {
    return this != PASSED;
  }

  /** Lower-case name for logs and metric properties. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
