package io.llmcanary.core.promotion;

import io.llmcanary.core.rollout.RolloutState;

/**
 * The answer to a person's decision (approve, reject, roll back) or to a start: applied, or refused for a typed
 * reason with a message that says why and what to do instead. Handlers map the refusal, never the message.
 *
 * @param applied whether the decision took effect
 * @param refusal why it did not, null when applied
 * @param status  the rollout's status afterwards ("" when there is no such rollout)
 * @param message for the person who decided
 */
public record DecisionResult(boolean applied, Refusal refusal, String application, String rolloutId, String status,
    int stageIndex, double percent, String message) {

  /** Why a decision or a start was refused. */
  public enum Refusal {
    /** There is no such rollout. */
    NO_SUCH_ROLLOUT,
    /** The request itself is wrong: a bad decision word, a missing id, a version that is not valid. */
    INVALID_REQUEST,
    /** The rollout's state (or another rollout's) does not allow it now: not waiting, ended, busy, taken. */
    NOT_ALLOWED_NOW,
    /** This caller may not: the two-person rule, an execution that does not check out. */
    NOT_PERMITTED
  }

  static DecisionResult applied(RolloutState s, String message) {
    return new DecisionResult(true, null, s.application(), s.rolloutId(), s.status().name(), s.stageIndex(),
        s.canaryPercent(), message);
  }

  /** Refused by the rollout's state. */
  static DecisionResult refused(RolloutState s, String message) {
    return refused(Refusal.NOT_ALLOWED_NOW, s, message);
  }

  static DecisionResult refused(Refusal why, RolloutState s, String message) {
    return new DecisionResult(false, why, s.application(), s.rolloutId(), s.status().name(), s.stageIndex(),
        s.canaryPercent(), message);
  }

  public static DecisionResult refused(Refusal why, String application, String rolloutId, String message) {
    return new DecisionResult(false, why, application, rolloutId, "", -1, 0.0, message);
  }
}
