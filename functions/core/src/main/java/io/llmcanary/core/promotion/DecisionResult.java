package io.llmcanary.core.promotion;

import io.llmcanary.core.rollout.RolloutState;

/**
 * The answer to a person's decision (approve or reject) or to a start: applied, or refused with a message that
 * says why and what to do instead.
 *
 * @param applied whether the decision took effect
 * @param status  the rollout's status afterwards ("" when there is no such rollout)
 * @param message for the person who decided
 */
public record DecisionResult(boolean applied, String application, String rolloutId, String status, int stageIndex,
    double percent, String message) {

  static DecisionResult applied(RolloutState s, String message) {
    return new DecisionResult(true, s.application(), s.rolloutId(), s.status().name(), s.stageIndex(),
        s.canaryPercent(), message);
  }

  static DecisionResult refused(RolloutState s, String message) {
    return new DecisionResult(false, s.application(), s.rolloutId(), s.status().name(), s.stageIndex(),
        s.canaryPercent(), message);
  }

  public static DecisionResult refused(String application, String rolloutId, String message) {
    return new DecisionResult(false, application, rolloutId, "", -1, 0.0, message);
  }
}
