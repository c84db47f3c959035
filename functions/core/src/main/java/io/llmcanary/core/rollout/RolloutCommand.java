package io.llmcanary.core.rollout;

/** Something that asks a rollout to move. Each carries who asks and why, for the audit trail. */
public sealed interface RolloutCommand {

  String actor();

  String reason();

  /** The stage ran its course and the gate passed: wait for a person, holding the workflow's task token. */
  record RequestApproval(String actor, String reason, String taskToken) implements RolloutCommand {}

  /** A person approved the waiting stage: go to the next one. */
  record Approve(String actor, String reason) implements RolloutCommand {}

  /** A person rejected the waiting stage: the rollout ends, canary back to 0%. */
  record Reject(String actor, String reason) implements RolloutCommand {}

  /** The judge found a regression, or a person pulled the cord: canary to 0% at once. */
  record RollBack(String actor, String reason) implements RolloutCommand {}

  /** The last stage is reached: canary becomes stable. */
  record Finalize(String actor, String reason) implements RolloutCommand {}
}
