package io.llmcanary.core.ports;

/**
 * Looks up the ApprovePromotion execution a decide payload says it comes from (docs/architecture.md#security-and-trust-boundaries). Step Functions hands
 * its tasks no caller identity, and anyone allowed to invoke the promotion function could write any "actor" into a
 * payload; a running execution of this stack's ApprovePromotion state machine whose input asks for exactly this
 * decision is a record nobody can forge without starting it, and CloudTrail names who did.
 */
@FunctionalInterface
public interface ApprovalExecutions {

  /** None configured: no execution can be verified, so every direct decide is a claim. */
  ApprovalExecutions NONE = (arn, app, id, decision) -> new Check.Refused(
      "this function has no ApprovePromotion state machine to look executions up in (APPROVE_STATE_MACHINE_ARN)");

  Check check(String executionArn, String application, String rolloutId, String decision);

  sealed interface Check {
    record Verified(String executionArn) implements Check {}

    record Refused(String why) implements Check {}
  }
}
