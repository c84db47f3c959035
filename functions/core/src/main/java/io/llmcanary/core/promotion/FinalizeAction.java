package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.promotion.PromotionRequest.Finalize;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import java.util.List;
import java.util.Optional;

/** The canary becomes the new stable: canary removed, percent 0, state PROMOTED, "promoted" alert. */
final class FinalizeAction {

  private final RolloutWrites w;

  FinalizeAction(RolloutWrites writes) {
    this.w = writes;
  }

  StepResult run(Finalize r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = w.settle(w.load(r.application(), r.rolloutId()));
      switch (s.status()) {
        case PROMOTED -> {
          // A retry after the transition: settle() finished what the promotion owed.
          return StepResult.of(s, Next.PROMOTED, 0, "promoted: the canary is the new stable");
        }
        case ROLLED_BACK -> {
          return StepResult.of(s, Next.ROLLED_BACK, 0, "rolled back: " + s.reason());
        }
        case REJECTED -> {
          return StepResult.of(s, Next.REJECTED, 0, "rejected: " + s.reason());
        }
        case RUNNING -> {
          if (!s.plan().isLast(s.stageIndex())) {
            throw new IllegalStateException("cannot finalize rollout " + s.rolloutId() + ": it is "
                + RolloutStateMachine.describe(s) + ", not at its last stage");
          }
          w.configOf(s); // the deployed config must be this rollout's, or promoting it would promote another
          Optional<RolloutState> a = w.commit(s, new RolloutCommand.Finalize(Promotion.WORKFLOW_ACTOR,
              "all stages approved: the canary becomes the new stable"), null, next -> List.of(
                  new OwedStep.PromoteCanary("rollout " + next.rolloutId() + " promoted: the canary is the new stable"),
                  new OwedStep.SendAlert(PromotionAlerts.promoted(next))));
          if (a.isEmpty()) {
            continue;
          }
          RolloutState done = w.settle(a.get());
          if (done.owed().stream().anyMatch(o -> o instanceof OwedStep.PromoteCanary)) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is PROMOTED but the new stable is not"
                + " deployed yet; the retry (or the next health check) deploys it");
          }
          return StepResult.of(done, Next.PROMOTED, 0, "promoted: the canary is the new stable");
        }
        case AWAITING_APPROVAL -> throw new IllegalStateException("cannot finalize rollout " + s.rolloutId()
            + ": it is " + RolloutStateMachine.describe(s));
        default -> throw new IllegalStateException("unknown status " + s.status());
      }
    }
    throw racing(r.rolloutId());
  }
}
