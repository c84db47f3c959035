package io.llmcanary.core.rollout;

import java.time.Instant;

/**
 * One entry of a rollout's audit trail: a transition, or a decision that changed nothing (a health check
 * that found the canary healthy still leaves its verdict and table here).
 *
 * @param type  {@code TRANSITION}, {@code VERDICT}, {@code ALERT}, ...
 * @param table the comparison table behind the decision, when there was one
 */
public record AuditEvent(
    String application,
    String rolloutId,
    Instant at,
    String actor,
    String type,
    RolloutStatus fromStatus,
    RolloutStatus toStatus,
    int stageIndex,
    String reason,
    String table) {

  public static AuditEvent decision(RolloutState s, Instant at, String actor, String type, String reason,
      String table) {
    return new AuditEvent(s.application(), s.rolloutId(), at, actor, type, s.status(), s.status(),
        s.stageIndex(), reason, table);
  }

  /** The same event with the comparison table behind it. */
  public AuditEvent withTable(String newTable) {
    return new AuditEvent(application, rolloutId, at, actor, type, fromStatus, toStatus, stageIndex, reason, newTable);
  }
}
