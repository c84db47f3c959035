package io.llmcanary.core.judge;

/** The judge's verdict on a canary. */
public enum Outcome {
  /** Enough evidence that canary is within every threshold. */
  HEALTHY,
  /** Not enough evidence either way (too few samples, missing data). Never a rollback, never a promotion. */
  INCONCLUSIVE,
  /** Canary is worse than a threshold, practically and with statistical credibility. */
  REGRESSION
}
