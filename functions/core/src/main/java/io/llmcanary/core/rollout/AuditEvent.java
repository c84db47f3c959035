package io.llmcanary.core.rollout;

import io.llmcanary.core.judge.Outcome;
import java.time.Instant;

/**
 * One entry of a rollout's audit trail: a transition, or a decision that changed nothing (a health check
 * that found the canary healthy still leaves its verdict and table here).
 *
 * @param type  {@code TRANSITION}, {@code VERDICT}, {@code ALERT}, ...
 * @param table   the comparison table behind the decision, when there was one
 * @param outcome what a health check's run or a gate found, on those events ({@link #judged}); null on the others.
 *                Typed, so a replay compares outcomes without reading the reason's words.
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
    String table,
    Outcome outcome) {

  /** An event that records no outcome: a transition, an alert, a person's decision. */
  public AuditEvent(String application, String rolloutId, Instant at, String actor, String type,
      RolloutStatus fromStatus, RolloutStatus toStatus, int stageIndex, String reason, String table) {
    this(application, rolloutId, at, actor, type, fromStatus, toStatus, stageIndex, reason, table, null);
  }

  public static AuditEvent decision(RolloutState s, Instant at, String actor, String type, String reason,
      String table) {
    return new AuditEvent(s.application(), s.rolloutId(), at, actor, type, s.status(), s.status(),
        s.stageIndex(), reason, table);
  }

  /**
   * A health check's run or a gate, which changed nothing by itself: its outcome typed, and a reason a person reads
   * that starts with it ({@code REGRESSION: roll back: ...}).
   */
  public static AuditEvent judged(RolloutState s, Instant at, String actor, String type, Outcome outcome,
      String reason, String table) {
    return new AuditEvent(s.application(), s.rolloutId(), at, actor, type, s.status(), s.status(), s.stageIndex(),
        outcome + ": " + reason, table, outcome);
  }

  /** The same event with the comparison table behind it. */
  public AuditEvent withTable(String newTable) {
    return new AuditEvent(application, rolloutId, at, actor, type, fromStatus, toStatus, stageIndex, reason, newTable,
        outcome);
  }
}
