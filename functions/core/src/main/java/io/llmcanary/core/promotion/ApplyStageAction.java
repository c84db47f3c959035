package io.llmcanary.core.promotion;

import io.llmcanary.core.rollout.Percent;
import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.actor;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import java.util.List;

/** Puts the rollout's current stage into effect (see {@link ApplyStage}), behind the fence against a rollback. */
final class ApplyStageAction {

  /** What apply-stage does with the rollout as it read it: a pure function of the state and the request. */
  sealed interface Route {

    /** Answer at once, nothing to write: the rollout ended, or its last stage is reached. */
    record Answer(StepResult result) implements Route {}

    /** A resumed execution finds the stage waiting: take the rollout over, then answer (ask for approval again). */
    record ResumeWaiting(StepResult result) implements Route {}

    /** The decider completed the task but has not written the state (yet, or it died): write the approval. */
    record WriteApproval(Approval approval) implements Route {}

    /** The request's execution takes the rollout over from the one recorded; then read again. */
    record TakeOver() implements Route {}

    /** Make sure the stage's share is deployed, then wait out the stage. */
    record Deploy(double percent) implements Route {}
  }

  private final RolloutWrites w;
  private final PromotionPorts ports;

  ApplyStageAction(RolloutWrites writes) {
    this.w = writes;
    this.ports = writes.ports();
  }

  StepResult run(ApplyStage r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = w.settle(w.load(r.application(), r.rolloutId()));
      switch (route(s, r)) {
        case Route.Answer a -> {
          return a.result();
        }
        case Route.ResumeWaiting resumed -> {
          w.takeOver(s, r.executionArn());
          return resumed.result();
        }
        case Route.WriteApproval write -> {
          Approval a = write.approval();
          w.commit(s, new RolloutCommand.Approve(actor(a.actor()), approvalReason(a)), null, List.of());
        }
        case Route.TakeOver t -> w.takeOver(s, r.executionArn());
        case Route.Deploy deploy -> {
          if (deployed(s, deploy.percent())) {
            return StepResult.of(s, Next.WAIT, 0, "stage " + (s.stageIndex() + 1) + " of " + s.plan().size() + ": "
                + Percent.text(deploy.percent()) + " of users on the canary");
          }
        }
      }
    }
    throw racing(r.rolloutId());
  }

  /**
   * Where apply-stage goes from the rollout as read (after its owed work is done). Throws for a situation that
   * cannot arise in a correct run: an approval of another stage, or a rollout driven by another execution.
   */
  static Route route(RolloutState s, ApplyStage r) {
    return switch (s.status()) {
      case ROLLED_BACK -> new Route.Answer(StepResult.of(s, Next.ROLLED_BACK, 0, "rolled back: "
          + Texts.orEmpty(s.reason())));
      case REJECTED -> new Route.Answer(StepResult.of(s, Next.REJECTED, 0, "rejected: " + Texts.orEmpty(s.reason())));
      case PROMOTED -> new Route.Answer(StepResult.of(s, Next.PROMOTED, 0, "already promoted"));
      case AWAITING_APPROVAL -> {
        Approval a = r.approval();
        if (a == null && r.resume()) {
          // A resumed execution finds the stage waiting: ask again (the new task's token replaces the old one).
          yield new Route.ResumeWaiting(StepResult.of(s, Next.REQUEST_APPROVAL, 0, "resumed: stage "
              + (s.stageIndex() + 1) + " waits for approval; asking again"));
        }
        if (a == null || !Approval.APPROVE.equals(a.decision()) || a.fromStage() != s.stageIndex()) {
          throw new IllegalStateException("rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s)
              + "; apply-stage moves it on only with the approval of that stage, got " + a);
        }
        // The decider completed the task but has not written the state (yet, or it died): write it here.
        yield new Route.WriteApproval(a);
      }
      case RUNNING -> {
        Approval a = r.approval();
        if (a != null && s.stageIndex() != a.toStage()) {
          throw new IllegalStateException("rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s)
              + " but the approval moved it to stage " + (a.toStage() + 1));
        }
        if (r.executionArn() != null && !r.executionArn().equals(s.executionArn())) {
          if (s.executionArn() != null && s.executionArn().startsWith("arn:") && !r.resume()) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is driven by workflow execution "
                + s.executionArn() + ", not " + r.executionArn() + "; stop one of them, or start the new one with"
                + " \"resume\": true to let it take over");
          }
          yield new Route.TakeOver();
        }
        if (s.plan().isLast(s.stageIndex())) {
          yield new Route.Answer(StepResult.of(s, Next.FINALIZE, 0, "last stage reached: promote the canary"));
        }
        yield new Route.Deploy(s.plan().percent(s.stageIndex()));
      }
    };
  }

  /**
   * Deploys the stage's share when the config differs from it. False when the fence took it back at once: the
   * rollout ended while it deployed, so the caller reads again.
   */
  private boolean deployed(RolloutState s, double percent) {
    RolloutConfig c = w.configOf(s);
    if (c.canaryPercent() != percent) {
      ports.configs().publish(c.withCanaryPercent(percent), Speed.PLANNED,
          "rollout " + s.rolloutId() + " stage " + (s.stageIndex() + 1) + " of " + s.plan().size() + ": "
              + Percent.text(percent));
      ports.store().append(AuditEvent.decision(s, w.now(), Promotion.WORKFLOW_ACTOR, "STAGE_APPLIED",
          "canary at " + Percent.text(percent) + " (was " + Percent.text(c.canaryPercent()) + ")", null));
      // The fence: a rollback may have committed while this deployed. If the rollout ended meanwhile, the
      // share just deployed is not allowed any more: take it back at once.
      RolloutState after = w.load(s.application(), s.rolloutId());
      if (after.status().isTerminal()) {
        String line = w.rollback().zeroCanary(after, "llm-canary: rollout " + s.rolloutId() + " ended while stage "
            + (s.stageIndex() + 1) + " was applied");
        ports.store().append(AuditEvent.decision(after, w.now(), Promotion.WORKFLOW_ACTOR, "STAGE_FENCED",
            "the rollout ended (" + after.status() + ") while stage " + (s.stageIndex() + 1) + " was applied: "
                + line, null));
        return false;
      }
    }
    return true;
  }

  private static String approvalReason(Approval a) {
    return a.reason() == null || a.reason().isBlank() ? "approved" : a.reason();
  }
}
