package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.Promotion.GATE_ACTOR;
import static io.llmcanary.core.promotion.Promotion.GATE_EVENT;
import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The end-of-stage gate: judges everything since the stage began (see {@link Gate}). */
final class GateAction {

  private final RolloutWrites w;
  private final PromotionPorts ports;

  GateAction(RolloutWrites writes) {
    this.w = writes;
    this.ports = writes.ports();
  }

  StepResult run(Gate r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = w.settle(w.load(r.application(), r.rolloutId()));
      Optional<StepResult> ended = RolloutWrites.ended(s, r.inconclusiveWaits());
      if (ended.isPresent()) {
        return ended.get();
      }
      if (s.status() != RolloutStatus.RUNNING || s.stageIndex() != r.stageIndex()) {
        throw new IllegalStateException("gate of stage " + (r.stageIndex() + 1) + " asked, but rollout "
            + s.rolloutId() + " is " + RolloutStateMachine.describe(s));
      }
      RolloutConfig c = w.configOf(s);
      Instant now = w.now();
      JudgeInput input = Objects.requireNonNull(ports.metrics(), "no metrics query")
          .fetch(s.application(), s.rolloutId(), s.stageStartedAt(), now);
      Verdict v = Objects.requireNonNull(ports.policy(), "no canary policy").promotionGate(input, c.guardrails());
      AuditEvent judged = AuditEvent.judged(s, now, GATE_ACTOR, GATE_EVENT, v.outcome(), v.reason(), v.table());
      ports.store().append(judged);
      String line = judged.reason();
      switch (v.outcome()) {
        case REGRESSION -> {
          int stage = s.stageIndex();
          RollbackAction.Result stopped = w.rollback().stop(s.application(), s.rolloutId(), new RollbackAction.Stop(
              new RolloutCommand.RollBack(GATE_ACTOR, "promotion gate found a regression: " + v.reason()), v.table(),
              now2 -> now2.status() == RolloutStatus.RUNNING && now2.stageIndex() == stage ? Optional.empty()
                  : Optional.of("the rollout moved on (" + RolloutStateMachine.describe(now2) + ")"),
              before -> PromotionAlerts.rolledBack(before, GATE_ACTOR, "promotion gate found a regression: "
                  + v.reason(), v.table())));
          if (stopped instanceof RollbackAction.Result.Stopped st) {
            return StepResult.of(st.state(), Next.ROLLED_BACK, r.inconclusiveWaits(), line)
                .withVerdict(v.outcome().name(), v.table());
          }
          continue; // another writer moved the rollout meanwhile: look again
        }
        case INCONCLUSIVE -> {
          if (r.inconclusiveWaits() < r.maxInconclusiveWaits()) {
            int waits = r.inconclusiveWaits() + 1;
            return StepResult.of(s, Next.WAIT_AGAIN, waits, line + " (extra wait " + waits + " of "
                + r.maxInconclusiveWaits() + ")").withVerdict(v.outcome().name(), v.table());
          }
          return StepResult.of(s, Next.REQUEST_APPROVAL, r.inconclusiveWaits(), line + " (still inconclusive after "
              + r.inconclusiveWaits() + " extra waits: a person decides)").withVerdict(v.outcome().name(), v.table());
        }
        case HEALTHY -> {
          return StepResult.of(s, Next.REQUEST_APPROVAL, r.inconclusiveWaits(), line)
              .withVerdict(v.outcome().name(), v.table());
        }
        default -> throw new IllegalStateException("unknown outcome " + v.outcome());
      }
    }
    throw racing(r.rolloutId());
  }
}
