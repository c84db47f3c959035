package io.llmcanary.core.rollout;

/** What a command did to a rollout: a new state with its audit event, or a refusal with a reason. */
public sealed interface Transition {

  record Applied(RolloutState state, AuditEvent event) implements Transition {}

  record Refused(RolloutState state, String reason) implements Transition {}
}
