package io.llmcanary.core.rollout;

/** Where a rollout is (docs/architecture.md#rollout-state). PROMOTED, ROLLED_BACK and REJECTED are terminal. */
public enum RolloutStatus {
  RUNNING,
  AWAITING_APPROVAL,
  PROMOTED,
  ROLLED_BACK,
  REJECTED;

  public boolean isTerminal() {
    return this == PROMOTED || this == ROLLED_BACK || this == REJECTED;
  }
}
