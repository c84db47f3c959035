package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;

import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher.AlertDeliveryException;
import io.llmcanary.core.promotion.PromotionRequest.ReportFailure;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Records a workflow failure and tells a person; the canary stays where it is, still watched by the health check. */
final class ReportFailureAction {

  private final RolloutWrites w;
  private final PromotionPorts ports;
  private final ApprovalChannels channels;

  ReportFailureAction(RolloutWrites writes, ApprovalChannels channels) {
    this.w = writes;
    this.ports = writes.ports();
    this.channels = channels;
  }

  StepResult run(ReportFailure r) {
    String what = Texts.orEmpty(r.error()) + (r.cause() == null || r.cause().isBlank() ? "" : ": " + r.cause());
    Optional<RolloutState> found = ports.store().get(r.application(), r.rolloutId());
    String where = found.map(RolloutStateMachine::describe).orElse("unknown (no state recorded)");
    found.ifPresent(s -> ports.store().append(AuditEvent.decision(s, w.now(), Promotion.WORKFLOW_ACTOR,
        "WORKFLOW_FAILED", what, null)));
    String exec = channels.executionLink(r.executionArn());
    Alert alert = PromotionAlerts.workflowFailed(r.application(), r.rolloutId(), what, where, r.executionArn(),
        exec != null ? exec : Texts.orEmpty(r.executionArn()));
    if (found.isPresent()) {
      RolloutState s = found.get();
      for (int i = 0; i < MAX_RACES; i++) {
        List<OwedStep> owed = new ArrayList<>(s.owed());
        owed.add(new OwedStep.SendAlert(alert));
        if (ports.store().replace(s.withOwed(owed), s.version())) {
          s = w.settle(w.load(r.application(), r.rolloutId()));
          break;
        }
        s = w.load(r.application(), r.rolloutId());
      }
      return StepResult.of(s, Next.FAILED, 0, what);
    }
    try {
      ports.alerts().publish(alert);
    } catch (AlertDeliveryException ignored) {
      // no rollout to keep it with; the workflow's own failure record remains
    }
    return new StepResult(r.application(), r.rolloutId(), Next.FAILED, "", -1, 0, 0.0, 0, "", what, "");
  }
}
