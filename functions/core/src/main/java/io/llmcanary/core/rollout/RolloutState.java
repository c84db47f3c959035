package io.llmcanary.core.rollout;

import java.time.Instant;
import java.util.List;

/**
 * A rollout's current state, as kept by the rollout store. {@code version} grows by one with every
 * transition; the store writes a new state only if the stored version is still the one it was derived
 * from, so two racing writers cannot both win.
 *
 * @param stageIndex     index into {@code plan}
 * @param stageStartedAt when the current stage began (the judge looks at everything since)
 * @param executionArn   the promotion workflow's execution, when one runs
 * @param taskToken      the waiting approval task's token, while AWAITING_APPROVAL
 * @param reason         why the last transition happened
 * @param owed           what the rollout still owes after its last transition (canary 0%, an alert, failing the
 *                       waiting approval task), in the order it is done; empty when nothing is owed
 */
public record RolloutState(
    String application,
    String rolloutId,
    RolloutStatus status,
    StagePlan plan,
    int stageIndex,
    long version,
    Instant createdAt,
    Instant stageStartedAt,
    Instant updatedAt,
    String executionArn,
    String taskToken,
    String reason,
    List<OwedStep> owed) {

  public RolloutState {
    owed = owed == null ? List.of() : List.copyOf(owed);
  }

  /** A new rollout at its first stage. */
  public static RolloutState start(String application, String rolloutId, StagePlan plan, Instant now,
      String executionArn) {
    return new RolloutState(application, rolloutId, RolloutStatus.RUNNING, plan, 0, 1, now, now, now,
        executionArn, null, "started", List.of());
  }

  public double canaryPercent() {
    return switch (status) {
      case RUNNING, AWAITING_APPROVAL -> plan.percent(stageIndex);
      // After a promotion the canary is the new stable: nobody is on a "canary" any more.
      case PROMOTED, ROLLED_BACK, REJECTED -> 0.0;
    };
  }

  /** Whether work is owed (see {@link OwedStep}). */
  public boolean owes() {
    return !owed.isEmpty();
  }

  /**
   * The same rollout with other bookkeeping (no transition): the approval task token, the work still owed, when it
   * was last touched, at the next version. The one place such copies are made, so a new field is added once.
   */
  public RolloutState withBookkeeping(Instant newUpdatedAt, String newTaskToken, List<OwedStep> newOwed) {
    return new RolloutState(application, rolloutId, status, plan, stageIndex, version + 1, createdAt, stageStartedAt,
        newUpdatedAt, executionArn, newTaskToken, reason, newOwed);
  }

  /**
   * This state at the same version with other bookkeeping: how a transition's new state (which carries its version
   * already) is given the token and the work it owes before it is written.
   */
  public RolloutState owing(String newTaskToken, List<OwedStep> newOwed) {
    return new RolloutState(application, rolloutId, status, plan, stageIndex, version, createdAt, stageStartedAt,
        updatedAt, executionArn, newTaskToken, reason, newOwed);
  }

  public RolloutState withOwed(List<OwedStep> newOwed) {
    return withBookkeeping(updatedAt, taskToken, newOwed);
  }

  public RolloutState withExecutionArn(String arn) {
    return new RolloutState(application, rolloutId, status, plan, stageIndex, version + 1, createdAt,
        stageStartedAt, updatedAt, arn, taskToken, reason, owed);
  }
}
