package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.PromotionFixture.APP;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import io.llmcanary.core.promotion.InProcessWorkflow.Execution;
import io.llmcanary.core.promotion.InProcessWorkflow.Settings;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.WorkflowRoutes.State;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The workflow run in-process follows the state machine's states, on the injected clock. */
class InProcessWorkflowTest {

  private static final Duration DAY = Duration.ofHours(24);
  private final PromotionFixture f = new PromotionFixture();
  private final InProcessWorkflow wf = new InProcessWorkflow(f.ports(), ApprovalChannels.LOCAL,
      new Settings(DAY, 2, Duration.ofDays(7)));

  private Execution start(String id) {
    assertThat(wf.start(f.startRequest(id)).applied()).isTrue();
    return wf.execution(APP, id).orElseThrow();
  }

  private Execution afterStage(String id) {
    f.clock.advance(DAY);
    return wf.advance(APP, id);
  }

  private DecisionResult decide(String id, String decision) {
    return wf.decide(new Decide(APP, id, decision, "bob", "reviewed"));
  }

  @Test
  void aHealthyRolloutClimbsEveryStageWithApprovalsAndIsPromoted() {
    Execution e = start("happy");
    assertThat(e.state()).isEqualTo(State.WAIT_STAGE);
    assertThat(wf.advance(APP, "happy").state()).as("nothing happens before the stage is over").isEqualTo(State.WAIT_STAGE);

    List<Double> percents = new ArrayList<>();
    for (int stage = 0; stage < 3; stage++) {
      percents.add(f.configs.deployedConfig().canaryPercent());
      e = afterStage("happy");
      assertThat(e.awaitingDecision()).isTrue();
      assertThat(f.state("happy").status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      assertThat(decide("happy", "approve").applied()).isTrue();
    }
    e = wf.execution(APP, "happy").orElseThrow();

    assertThat(e.state()).isEqualTo(State.PROMOTED);
    assertThat(percents).containsExactly(5.0, 25.0, 50.0);
    assertThat(f.state("happy").status()).isEqualTo(RolloutStatus.PROMOTED);
    assertThat(f.configs.deployedConfig().versions()).containsOnlyKeys("stable");
    assertThat(e.path()).containsExactly(
        "ApplyStage", "WaitStage", "Gate", "AwaitApproval",
        "ApplyStage", "WaitStage", "Gate", "AwaitApproval",
        "ApplyStage", "WaitStage", "Gate", "AwaitApproval",
        "ApplyStage", "Finalize", "Promoted");
    assertThat(f.alertKinds()).containsExactly(Alert.Kind.APPROVAL_NEEDED, Alert.Kind.APPROVAL_NEEDED,
        Alert.Kind.APPROVAL_NEEDED, Alert.Kind.PROMOTED);
  }

  @Test
  void aRejectionEndsTheWorkflowAtRejected() {
    start("nope");
    afterStage("nope");
    assertThat(decide("nope", "reject").applied()).isTrue();

    Execution e = wf.execution(APP, "nope").orElseThrow();
    assertThat(e.state()).isEqualTo(State.REJECTED);
    assertThat(e.path()).endsWith("Gate", "AwaitApproval", "Rejected");
    assertThat(f.configs.deployedConfig().canaryPercent()).isZero();
  }

  @Test
  void aRollbackWhileWaitingForApprovalEndsTheWorkflowAtRolledBack() {
    start("rb");
    Execution e = afterStage("rb");
    // The health check rolls back and fails the waiting task, as the deployed one does.
    RolloutState s = f.state("rb");
    f.store.replace(PromotionTest.move(s, new RolloutCommand.RollBack("health-check", "errors 3x")), s.version());
    f.configs.publish(f.configs.deployedConfig().withCanaryPercent(0), Speed.IMMEDIATE, "rollback");
    wf.reject(e.taskToken(), Promotion.ERROR_ROLLED_BACK, "rolled back by the health check");

    e = wf.advance(APP, "rb");
    assertThat(e.state()).isEqualTo(State.ROLLED_BACK);
    assertThat(decide("rb", "approve").message()).contains("was rolled back");
  }

  @Test
  void anInconclusiveGateWaitsAgainAtMostTwiceThenAsksAPerson() {
    start("unsure");
    f.policy.gates.add(Outcome.INCONCLUSIVE);
    f.policy.gates.add(Outcome.INCONCLUSIVE);
    f.policy.gates.add(Outcome.INCONCLUSIVE);

    afterStage("unsure");
    afterStage("unsure");
    Execution e = afterStage("unsure");

    assertThat(e.awaitingDecision()).isTrue();
    assertThat(e.path()).containsExactly("ApplyStage", "WaitStage", "Gate", "WaitStage", "Gate", "WaitStage", "Gate",
        "AwaitApproval");
    assertThat(f.alerts.delivered()).last().satisfies(a -> assertThat(a.subject()).contains("gate inconclusive"));
    assertThat(decide("unsure", "approve").applied()).isTrue();
    assertThat(f.configs.deployedConfig().canaryPercent()).isEqualTo(25.0);
  }

  @Test
  void aRegressionAtTheGateEndsAtRolledBack() {
    start("bad");
    f.policy.gates.add(Outcome.REGRESSION);
    Execution e = afterStage("bad");
    assertThat(e.state()).isEqualTo(State.ROLLED_BACK);
    assertThat(e.path()).endsWith("Gate", "RolledBack");
  }

  @Test
  void withoutADecisionTheApprovalExpiresAndTheRolloutIsRejected() {
    start("idle");
    Execution e = afterStage("idle");
    String token = e.taskToken();
    f.clock.advance(Duration.ofDays(7));

    e = wf.advance(APP, "idle");

    assertThat(e.state()).isEqualTo(State.REJECTED);
    assertThat(e.path()).endsWith("AwaitApproval", "ExpireApproval", "Rejected");
    assertThat(f.state("idle").reason()).contains("no decision within 7 days");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> wf.approve(token, Approval.of("bob", "late", 0)))
        .isInstanceOf(io.llmcanary.core.ports.ApprovalGateway.StaleTaskTokenException.class);
  }

  @Test
  void anActionThatFailsIsReportedAndTheWorkflowEndsAtFailed() {
    start("broken");
    // someone replaced the published config by hand: the gate cannot judge this rollout any more
    f.configs.publish(PromotionFixture.baseline(), Speed.PLANNED, "by hand");

    Execution e = afterStage("broken");

    assertThat(e.state()).isEqualTo(State.FAILED);
    assertThat(e.path()).endsWith("Gate", "ReportFailure", "Failed");
    assertThat(f.alertKinds()).containsExactly(Alert.Kind.WORKFLOW_FAILED);
    assertThat(f.alerts.delivered().get(0).body()).contains("IllegalStateException")
        .contains("the deployed config belongs to rollout baseline");
    assertThat(f.state("broken").status()).isEqualTo(RolloutStatus.RUNNING);
  }

  @Test
  void savedExecutionsResumeInANewInstance() {
    start("saved");
    afterStage("saved");
    List<Execution> saved = wf.executions();

    InProcessWorkflow resumed = new InProcessWorkflow(f.ports(), ApprovalChannels.LOCAL, wf.settings(), saved);
    assertThat(resumed.decide(new Decide(APP, "saved", "approve", "bob", "ok")).applied()).isTrue();
    assertThat(resumed.execution(APP, "saved").orElseThrow().state()).isEqualTo(State.WAIT_STAGE);
    assertThat(f.configs.deployedConfig().canaryPercent()).isEqualTo(25.0);
  }
}
