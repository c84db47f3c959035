package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.Promotion.ERROR_FAILED;
import static io.llmcanary.core.promotion.Promotion.ERROR_REJECTED;
import static io.llmcanary.core.promotion.Promotion.ERROR_ROLLED_BACK;
import static io.llmcanary.core.promotion.Promotion.WORKFLOW_ACTOR;
import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stores the waiting task's token with the rollout and sends the "approval needed" alert. When the rollout has
 * ended meanwhile, completes the task at once with the error that names why, so the workflow ends there.
 */
final class RequestApprovalAction {

  private final RolloutWrites w;
  private final PromotionPorts ports;
  private final ApprovalChannels channels;

  RequestApprovalAction(RolloutWrites writes, ApprovalChannels channels) {
    this.w = writes;
    this.ports = writes.ports();
    this.channels = channels;
  }

  StepResult run(RequestApproval r) {
    if (r.taskToken() == null || r.taskToken().isBlank()) {
      throw new IllegalArgumentException("request-approval needs the task token ($$.Task.Token)");
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = w.settle(w.load(r.application(), r.rolloutId()));
      switch (s.status()) {
        case ROLLED_BACK -> {
          w.failTask(r.taskToken(), ERROR_ROLLED_BACK, "rollout " + s.rolloutId() + " was rolled back: " + s.reason());
          return StepResult.of(s, Next.ROLLED_BACK, 0, "rolled back before approval was asked: " + s.reason());
        }
        case REJECTED -> {
          w.failTask(r.taskToken(), ERROR_REJECTED, "rollout " + s.rolloutId() + " was rejected: " + s.reason());
          return StepResult.of(s, Next.REJECTED, 0, "rejected: " + s.reason());
        }
        case PROMOTED -> {
          w.failTask(r.taskToken(), ERROR_FAILED, "rollout " + s.rolloutId() + " is already promoted");
          return StepResult.of(s, Next.FAILED, 0, "already promoted; nothing to approve");
        }
        case AWAITING_APPROVAL -> {
          if (s.stageIndex() != r.stageIndex()) {
            w.failTask(r.taskToken(), ERROR_FAILED, "rollout " + s.rolloutId() + " is "
                + RolloutStateMachine.describe(s));
            return StepResult.of(s, Next.FAILED, 0, "approval of another stage is pending");
          }
          if (r.taskToken().equals(s.taskToken())) {
            return StepResult.of(s, Next.AWAIT_DECISION, 0, "approval already requested"); // a retried call
          }
          // The workflow retried this task after a failure: the new token replaces the old, which is dead.
          Duration renewTimeout = r.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(r.approvalTimeoutSeconds()) : null;
          RolloutState renewed = s.withBookkeeping(w.now(), r.taskToken(), s.owed());
          List<OwedStep> owed = new ArrayList<>(s.owed());
          owed.add(new OwedStep.SendAlert(ApprovalMessage.build(renewed, w.lastGate(renewed), channels, renewTimeout,
              w.changeOf(s))));
          renewed = renewed.withBookkeeping(w.now(), r.taskToken(), owed);
          if (ports.store().replace(renewed, s.version(), AuditEvent.decision(renewed, w.now(), WORKFLOW_ACTOR,
              "APPROVAL_TOKEN_RENEWED", "the approval task was retried; its new token replaces the old one", null))) {
            w.rollback().finish(renewed);
            return StepResult.of(renewed, Next.AWAIT_DECISION, 0, "approval task token renewed");
          }
        }
        case RUNNING -> {
          if (s.stageIndex() != r.stageIndex()) {
            w.failTask(r.taskToken(), ERROR_FAILED, "approval of stage " + (r.stageIndex() + 1) + " asked, but rollout "
                + s.rolloutId() + " is " + RolloutStateMachine.describe(s));
            return StepResult.of(s, Next.FAILED, 0, "stage mismatch");
          }
          RolloutState current = s;
          if (r.executionArn() != null && s.executionArn() == null) {
            RolloutState withArn = s.withExecutionArn(r.executionArn());
            if (!ports.store().replace(withArn, s.version())) {
              continue;
            }
            current = withArn;
          }
          Duration timeout = r.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(r.approvalTimeoutSeconds()) : null;
          AuditEvent gate = w.lastGate(current);
          ChangeReport change = w.changeOf(current);
          Optional<RolloutState> a = w.commit(current, new RolloutCommand.RequestApproval(WORKFLOW_ACTOR,
              "stage " + (s.stageIndex() + 1) + " proposed for promotion", r.taskToken()), null,
              next -> List.of(new OwedStep.SendAlert(ApprovalMessage.build(next, gate, channels, timeout, change))));
          if (a.isEmpty()) {
            continue;
          }
          w.rollback().finish(a.get());
          return StepResult.of(a.get(), Next.AWAIT_DECISION, 0, "approval requested");
        }
        default -> throw new IllegalStateException("unknown status " + s.status());
      }
    }
    throw racing(r.rolloutId());
  }
}
