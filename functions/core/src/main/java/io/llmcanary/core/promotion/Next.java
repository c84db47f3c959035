package io.llmcanary.core.promotion;

/**
 * Where the promotion workflow goes after an action: the value every workflow action returns as {@code next},
 * on which the state machine's Choice states (and {@link InProcessWorkflow}) route. {@link WorkflowRoutes}
 * lists, per action, which values it may return and the state each leads to.
 */
public enum Next {
  /** The stage is applied: wait out the stage, then run the gate. */
  WAIT,
  /** The gate was inconclusive and may wait another stage duration. */
  WAIT_AGAIN,
  /** Ask a person (the gate passed, or stayed inconclusive as long as allowed). */
  REQUEST_APPROVAL,
  /** The approval task is open; the workflow waits for a decision (request-approval's own answer). */
  AWAIT_DECISION,
  /** The last stage is reached: make the canary the new stable. */
  FINALIZE,
  /** Terminal: the canary is the new stable. */
  PROMOTED,
  /** Terminal: the rollout was rolled back (by the gate, or by the health check meanwhile). */
  ROLLED_BACK,
  /** Terminal: a person rejected the stage, or nobody decided in time. */
  REJECTED,
  /** Terminal: the workflow stopped on an error; the rollout stays where it is and a person was told. */
  FAILED
}
