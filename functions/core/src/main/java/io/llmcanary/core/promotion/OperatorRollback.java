package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.RolloutWrites.actor;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import java.util.Optional;

/**
 * An operator's abort (docs/architecture.md#the-operator-surface): at any stage that has not ended, through the one rollback action, so the
 * canary goes to 0% at once, the team is paged and the workflow ends.
 */
final class OperatorRollback {

  private final RolloutWrites w;

  OperatorRollback(RolloutWrites writes) {
    this.w = writes;
  }

  DecisionResult run(String application, String rolloutId, String actor, String reason) {
    String who = actor(actor);
    String why = reason == null || reason.isBlank() ? "rolled back by " + who : reason;
    Optional<RolloutState> found = w.ports().store().get(application, rolloutId);
    if (found.isEmpty()) {
      return DecisionResult.refused(DecisionResult.Refusal.NO_SUCH_ROLLOUT, application, rolloutId, "cannot roll back: there is no rollout " + rolloutId
          + " in application " + application + " (./canaryctl status lists them)");
    }
    RollbackAction.Result r = w.rollback().stop(application, rolloutId, new RollbackAction.Stop(
        new RolloutCommand.RollBack(who, why), null, null, before -> PromotionAlerts.rolledBack(before, who, why, null)));
    return switch (r) {
      case RollbackAction.Result.Stopped st -> DecisionResult.applied(st.state(), "rolled back rollout " + rolloutId
          + " at stage " + (st.before().stageIndex() + 1) + " of " + st.before().plan().size()
          + ": canary 0%, team paged, the workflow ends");
      case RollbackAction.Result.AlreadyEnded e -> DecisionResult.refused(e.state(), "cannot roll back: rollout "
          + rolloutId + " has ended already (" + e.state().status() + ": " + e.state().reason() + ")");
      case RollbackAction.Result.Refused f -> DecisionResult.refused(f.state(), "cannot roll back: " + f.reason());
      case RollbackAction.Result.KeptLosing k -> throw racing(rolloutId);
    };
  }
}
