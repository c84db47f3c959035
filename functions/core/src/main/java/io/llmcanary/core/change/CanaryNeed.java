package io.llmcanary.core.change;

/**
 * Whether a change needs a canary, in the terms of the table the product's source article gives a team before it
 * starts anything: high risk or unpredictable changes need one, low-risk ones maybe, predictable ones do not.
 * Ordered from least to most: the most a rollout's changes need is what the rollout needs.
 */
public enum CanaryNeed {
  /** Predictable: test offline, or deploy normally. */
  NOT_NEEDED("canary not needed"),
  /** Low risk, but it can still move what users see. */
  MAYBE("canary maybe"),
  /** High risk or unpredictable behaviour. */
  CANARY_NEEDED("canary needed");

  private final String text;

  CanaryNeed(String text) {
    this.text = text;
  }

  /** Lower-case words for summaries: "canary needed", "canary maybe", "canary not needed". */
  public String text() {
    return text;
  }

  public CanaryNeed max(CanaryNeed other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
