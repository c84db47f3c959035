package io.llmcanary.core.promotion;

import io.llmcanary.core.rollout.RolloutState;

/**
 * What a workflow action (apply-stage, gate, request-approval, finalize, expire-approval, report-failure)
 * answers. The state machine keeps it under {@code $.progress} and routes on {@code next}; every field is
 * always present so its JSONPaths never miss.
 *
 * @param next              where the workflow goes now
 * @param status            the rollout's status after the action
 * @param stageIndex        the rollout's stage (0-based) after the action
 * @param stages            how many stages the plan has
 * @param percent           the canary percent of that stage (0 once the rollout ended)
 * @param inconclusiveWaits extra waits spent on an inconclusive gate in this stage
 * @param outcome           the gate's verdict (HEALTHY, INCONCLUSIVE, REGRESSION), or "" when no gate ran
 * @param reason            why, for a person, never null
 * @param table             the comparison table behind a gate's verdict, or "" when no gate ran
 */
public record StepResult(
    String application,
    String rolloutId,
    Next next,
    String status,
    int stageIndex,
    int stages,
    double percent,
    int inconclusiveWaits,
    String outcome,
    String reason,
    String table) {

  public StepResult {
    outcome = outcome == null ? "" : outcome;
    reason = reason == null ? "" : reason;
    table = table == null ? "" : table;
  }

  static StepResult of(RolloutState s, Next next, int inconclusiveWaits, String reason) {
    return new StepResult(s.application(), s.rolloutId(), next, s.status().name(), s.stageIndex(), s.plan().size(),
        s.canaryPercent(), inconclusiveWaits, "", reason, "");
  }

  StepResult withVerdict(String outcome, String table) {
    return new StepResult(application, rolloutId, next, status, stageIndex, stages, percent, inconclusiveWaits,
        outcome, reason, table);
  }
}
