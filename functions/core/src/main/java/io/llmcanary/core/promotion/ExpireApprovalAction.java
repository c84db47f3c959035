package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.promotion.PromotionRequest.ExpireApproval;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Duration;
import java.util.Optional;

/** Nobody decided in time: the rollout ends as rejected and the canary goes to 0%. */
final class ExpireApprovalAction {

  private final RolloutWrites w;

  ExpireApprovalAction(RolloutWrites writes) {
    this.w = writes;
  }

  StepResult run(ExpireApproval r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = w.load(r.application(), r.rolloutId());
      Optional<StepResult> ended = RolloutWrites.ended(s, 0);
      if (ended.isPresent()) {
        return ended.get();
      }
      if (s.status() != RolloutStatus.AWAITING_APPROVAL) {
        throw new IllegalStateException("the approval timed out, but rollout " + s.rolloutId() + " is "
            + RolloutStateMachine.describe(s));
      }
      String waited = r.timeoutSeconds() > 0 ? Texts.duration(Duration.ofSeconds(r.timeoutSeconds())) : "the approval timeout";
      String reason = "no decision within " + waited + ": rejected automatically";
      int stage = s.stageIndex();
      RollbackAction.Result stopped = w.rollback().stop(s.application(), s.rolloutId(), new RollbackAction.Stop(
          new RolloutCommand.Reject(Promotion.WORKFLOW_ACTOR, reason), null,
          now2 -> now2.status() == RolloutStatus.AWAITING_APPROVAL && now2.stageIndex() == stage ? Optional.empty()
              : Optional.of("the rollout moved on (" + RolloutStateMachine.describe(now2) + ")"),
          before -> PromotionAlerts.expired(before, waited)));
      if (stopped instanceof RollbackAction.Result.Stopped st) {
        return StepResult.of(st.state(), Next.REJECTED, 0, reason);
      }
      continue;
    }
    throw racing(r.rolloutId());
  }
}
