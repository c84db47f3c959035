package io.llmcanary.core.promotion;

import io.llmcanary.core.alerts.PastedInput;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.StagePlan;

/**
 * The promotion side's pages, beside {@link ApprovalMessage}: rolled back (by the gate, a failed start, an operator),
 * rejected, approval expired, promoted, workflow failed. Each says what happened, what the system did, and the
 * commands that work from here.
 */
final class PromotionAlerts {

  private PromotionAlerts() {}

  static Alert rolledBack(RolloutState s, String actor, String reason, String table) {
    return new Alert(Alert.Kind.ROLLBACK, s.application(), s.rolloutId(),
        "[llm-canary] Rolled back: " + s.application() + "/" + s.rolloutId() + " at stage " + (s.stageIndex() + 1)
            + " (" + Percent.text(s.canaryPercent()) + ")",
        "Rollout " + s.rolloutId() + " was rolled back by " + actor + ": " + reason
            + "\nThe canary is taken to 0%: every user is served the stable version.\n\n"
            + (table == null ? "" : table + "\n") + "History: ./canaryctl history " + s.rolloutId());
  }

  static Alert rejected(RolloutState s, String actor, String reason) {
    return new Alert(Alert.Kind.REJECTED, s.application(), s.rolloutId(),
        "[llm-canary] Rejected: " + s.application() + "/" + s.rolloutId() + " at stage " + (s.stageIndex() + 1)
            + " (" + Percent.text(s.canaryPercent()) + ")",
        "Rollout " + s.rolloutId() + " was rejected by " + actor + " at stage " + (s.stageIndex() + 1) + " of "
            + s.plan().size() + ": " + reason + "\nThe canary is taken to 0%: every user is served the stable version."
            + "\nHistory: ./canaryctl history " + s.rolloutId());
  }

  static Alert expired(RolloutState s, String waited) {
    return new Alert(Alert.Kind.REJECTED, s.application(), s.rolloutId(),
        "[llm-canary] Approval expired: " + s.application() + "/" + s.rolloutId() + " ended at 0%",
        "Nobody approved or rejected stage " + (s.stageIndex() + 1) + " of rollout " + s.rolloutId() + " within "
            + waited + ". The rollout ended as rejected and the canary is taken to 0%. Start a new rollout to try"
            + " again.\nHistory: ./canaryctl history " + s.rolloutId());
  }

  static Alert promoted(RolloutState s) {
    return new Alert(Alert.Kind.PROMOTED, s.application(), s.rolloutId(),
        "[llm-canary] Promoted: " + s.application() + "/" + s.rolloutId() + " is the new stable",
        "Rollout " + s.rolloutId() + " went through all " + s.plan().size() + " stages (" + stagesText(s.plan())
            + ") and was approved at each. Its canary version is now the stable version for every user; the config"
            + " has no canary any more.\nHistory: ./canaryctl history " + s.rolloutId());
  }

  /**
   * The workflow stopped on an error. The advice works as printed: a new execution under a new name (execution names
   * are unique per state machine) with {@code "resume": true} takes the rollout over from the failed one.
   */
  static Alert workflowFailed(String application, String rolloutId, String what, String where, String executionArn,
      String execution) {
    String input = PastedInput.spaced().text("application", application).text("rolloutId", rolloutId)
        .flag("resume", true).toString();
    String stateMachine = stateMachineOf(executionArn);
    return new Alert(Alert.Kind.WORKFLOW_FAILED, application, rolloutId,
        "[llm-canary] Promotion workflow failed: " + application + "/" + rolloutId,
        "The promotion workflow of rollout " + rolloutId + " stopped on an error it could not handle:\n  " + what
            + "\nThe rollout is " + where + "; the canary stays at that share and the health check keeps watching it"
            + " (it still rolls back on a regression, and its reconciler takes users off a canary they should not be"
            + " on).\n\nTo end the rollout now (canary 0% at once, whatever its stage):\n  ./canaryctl rollback "
            + rolloutId + " --reason 'workflow failed'\n\nTo carry on, start a new execution that takes over from the"
            + " stored state:\n  aws stepfunctions start-execution --state-machine-arn "
            + (stateMachine != null ? stateMachine : "<PromotionStateMachineArn output of the stack>")
            + " --name " + rolloutId + "-resume-$(date +%s) --input '" + input + "'\n"
            + "\nFailed execution: " + execution);
  }

  /** arn:aws:states:R:A:execution:SM:NAME -> arn:aws:states:R:A:stateMachine:SM, or null when not an execution ARN. */
  static String stateMachineOf(String executionArn) {
    if (executionArn == null) {
      return null;
    }
    String[] p = executionArn.split(":");
    if (p.length < 8 || !p[0].equals("arn") || !p[2].equals("states") || !p[5].equals("execution")) {
      return null;
    }
    return String.join(":", p[0], p[1], p[2], p[3], p[4], "stateMachine", p[6]);
  }

  static String stagesText(StagePlan plan) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < plan.size(); i++) {
      b.append(i == 0 ? "" : " -> ").append(Percent.text(plan.percent(i)));
    }
    return b.toString();
  }
}
