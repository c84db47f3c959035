package io.llmcanary.local.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.promotion.Approval;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.promotion.WorkflowRoutes;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local state file keeps a rollout's owed work, each step by its type, so a later command finishes it. */
class LocalStateJsonTest {

  @Test
  void aRolloutThatStillOwesWorkReadsBackWithEveryStepAsItWas() throws Exception {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    RolloutState s = new RolloutState("chat", "r1", RolloutStatus.ROLLED_BACK, StagePlan.DEFAULT, 1, 7, t, t, t,
        "local:execution:chat:r1", null, "health check: errors", List.of(
            new OwedStep.ZeroCanary("zero"),
            new OwedStep.SendAlert(new Alert(Alert.Kind.ROLLBACK, "chat", "r1", "ROLLED BACK chat/r1", "body\nlines")),
            new OwedStep.FailApprovalTask("tok", "RolledBack", "rolled back by health-check: errors", 3),
            new OwedStep.PromoteCanary("promote")));

    String json = LocalPromotionState.MAPPER.writeValueAsString(s);

    assertThat(json).contains("\"type\":\"ZeroCanary\"").contains("\"type\":\"FailApprovalTask\"");
    assertThat(LocalPromotionState.MAPPER.readValue(json, RolloutState.class)).isEqualTo(s);
  }

  @Test
  void aCompletedApprovalTaskReadsBackAsTheApprovalOrTheFailureItWas() throws Exception {
    for (InProcessWorkflow.TaskOutcome o : List.of(
        new InProcessWorkflow.TaskOutcome.Succeeded(Approval.of("cli:bob", "looks fine", 1)),
        new InProcessWorkflow.TaskOutcome.Failed("Rejected", "rejected by cli:ann: tone"))) {
      InProcessWorkflow.Execution e = new InProcessWorkflow.Execution("chat", "r1", "local:execution:chat:r1",
          WorkflowRoutes.State.AWAIT_APPROVAL, 1, 0, null, "tok", Instant.parse("2026-12-08T10:00:00Z"), o, null,
          List.of("ApplyStage", "AwaitApproval"));

      String json = LocalPromotionState.MAPPER.writeValueAsString(e);

      assertThat(LocalPromotionState.MAPPER.readValue(json, InProcessWorkflow.Execution.class)).isEqualTo(e);
    }
  }

  @Test
  void anAuditEventReadsBackWithItsTypedOutcomeAndAnOlderOneWithoutItAsNone() throws Exception {
    RolloutState s = RolloutState.start("chat", "r1", StagePlan.DEFAULT, Instant.parse("2026-12-01T10:00:00Z"), null);
    AuditEvent verdict = AuditEvent.judged(s, Instant.parse("2026-12-01T10:15:00Z"), "health-check", "VERDICT",
        Outcome.REGRESSION, "roll back: error_rate", "table");

    String json = LocalPromotionState.MAPPER.writeValueAsString(verdict);

    assertThat(LocalPromotionState.MAPPER.readValue(json, AuditEvent.class)).isEqualTo(verdict);
    String older = json.replace(",\"outcome\":\"REGRESSION\"", "");
    assertThat(older).doesNotContain("outcome");
    assertThat(LocalPromotionState.MAPPER.readValue(older, AuditEvent.class).outcome()).isNull();
  }
}
