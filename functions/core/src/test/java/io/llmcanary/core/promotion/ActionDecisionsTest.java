package io.llmcanary.core.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.promotion.ApplyStageAction.Route;
import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The pure decisions of the promotion actions: functions of the rollout as read and the request, no ports. */
class ActionDecisionsTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:promotion:r1";
  private static final String OTHER_ARN = "arn:aws:states:us-east-1:123456789012:execution:promotion:r1-resume";

  private static RolloutState state(RolloutStatus status, int stage, String executionArn, String taskToken) {
    return new RolloutState("app", "r1", status, StagePlan.DEFAULT, stage, 3, T, T, T, executionArn, taskToken,
        "why", List.of());
  }

  private static ApplyStage apply(String executionArn, Approval approval, boolean resume) {
    return new ApplyStage("app", "r1", executionArn, approval, resume);
  }

  @Nested
  class ResumableStart {

    @Test
    void aRolloutAtItsFirstStageWithoutAWorkflowIsResumedBySameId() {
      assertThat(StartAction.resumable(state(RolloutStatus.RUNNING, 0, null, null), "r1")).isTrue();
    }

    @Test
    void anotherIdIsNotResumed() {
      assertThat(StartAction.resumable(state(RolloutStatus.RUNNING, 0, null, null), "r2")).isFalse();
    }

    @Test
    void aRolloutWhoseWorkflowIsRecordedIsNotResumed() {
      assertThat(StartAction.resumable(state(RolloutStatus.RUNNING, 0, ARN, null), "r1")).isFalse();
    }

    @Test
    void aRolloutPastItsFirstStageOrNotRunningIsNotResumed() {
      assertThat(StartAction.resumable(state(RolloutStatus.RUNNING, 1, null, null), "r1")).isFalse();
      assertThat(StartAction.resumable(state(RolloutStatus.AWAITING_APPROVAL, 0, null, "t"), "r1")).isFalse();
      assertThat(StartAction.resumable(state(RolloutStatus.ROLLED_BACK, 0, null, null), "r1")).isFalse();
    }
  }

  @Nested
  class NotWaiting {

    @Test
    void aStageAwaitingApprovalWithATokenCanBeDecided() {
      assertThat(DecideAction.notWaiting(state(RolloutStatus.AWAITING_APPROVAL, 1, ARN, "t"), "approve")).isEmpty();
    }

    @Test
    void aStageAwaitingApprovalWithoutATokenCannotBeDecided() {
      assertThat(DecideAction.notWaiting(state(RolloutStatus.AWAITING_APPROVAL, 1, ARN, " "), "approve"))
          .hasValue("cannot approve: rollout r1 waits for approval but has no task token stored");
    }

    @Test
    void aRunningStageIsNotWaitingAndTheRefusalNamesTheDecisionAndTheStage() {
      assertThat(DecideAction.notWaiting(state(RolloutStatus.RUNNING, 1, ARN, null), "reject")).hasValueSatisfying(
          m -> assertThat(m).startsWith("cannot reject: stage 2 of rollout r1 is not waiting for approval")
              .contains("since " + T));
    }

    @Test
    void anEndedRolloutHasNothingToDecide() {
      assertThat(DecideAction.notWaiting(state(RolloutStatus.ROLLED_BACK, 1, ARN, null), "approve"))
          .hasValue("cannot approve: rollout r1 was rolled back at " + T + " (why); there is nothing to decide."
              + " Start a new rollout instead.");
      assertThat(DecideAction.notWaiting(state(RolloutStatus.REJECTED, 1, ARN, null), "reject"))
          .hasValueSatisfying(m -> assertThat(m).contains("was already rejected at"));
      assertThat(DecideAction.notWaiting(state(RolloutStatus.PROMOTED, 3, ARN, null), "approve"))
          .hasValue("cannot approve: rollout r1 is finished: its canary was promoted to stable at " + T + ".");
    }
  }

  @Nested
  class ApplyStageRoute {

    @Test
    void anEndedRolloutIsAnsweredWithItsEnd() {
      assertThat(ApplyStageAction.route(state(RolloutStatus.ROLLED_BACK, 1, ARN, null), apply(ARN, null, false)))
          .isInstanceOfSatisfying(Route.Answer.class, a -> {
            assertThat(a.result().next()).isEqualTo(Next.ROLLED_BACK);
            assertThat(a.result().reason()).isEqualTo("rolled back: why");
          });
      assertThat(ApplyStageAction.route(state(RolloutStatus.REJECTED, 1, ARN, null), apply(ARN, null, false)))
          .isInstanceOfSatisfying(Route.Answer.class, a -> assertThat(a.result().next()).isEqualTo(Next.REJECTED));
      assertThat(ApplyStageAction.route(state(RolloutStatus.PROMOTED, 3, ARN, null), apply(ARN, null, false)))
          .isInstanceOfSatisfying(Route.Answer.class, a -> assertThat(a.result().next()).isEqualTo(Next.PROMOTED));
    }

    @Test
    void aRunningStageOfTheSameExecutionIsDeployedAtItsPercent() {
      assertThat(ApplyStageAction.route(state(RolloutStatus.RUNNING, 1, ARN, null), apply(ARN, null, false)))
          .isEqualTo(new Route.Deploy(25.0));
    }

    @Test
    void theLastStageGoesToFinalize() {
      assertThat(ApplyStageAction.route(state(RolloutStatus.RUNNING, 3, ARN, null), apply(ARN, null, false)))
          .isInstanceOfSatisfying(Route.Answer.class, a -> assertThat(a.result().next()).isEqualTo(Next.FINALIZE));
    }

    @Test
    void aRolloutWithoutARecordedWorkflowIsTakenOverByTheCallingExecution() {
      assertThat(ApplyStageAction.route(state(RolloutStatus.RUNNING, 0, null, null), apply(ARN, null, false)))
          .isInstanceOf(Route.TakeOver.class);
    }

    @Test
    void aRolloutDrivenByAnotherExecutionIsTakenOverOnlyOnResume() {
      RolloutState s = state(RolloutStatus.RUNNING, 1, ARN, null);
      assertThatThrownBy(() -> ApplyStageAction.route(s, apply(OTHER_ARN, null, false)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("is driven by workflow execution " + ARN);
      assertThat(ApplyStageAction.route(s, apply(OTHER_ARN, null, true))).isInstanceOf(Route.TakeOver.class);
    }

    @Test
    void aWaitingStageWithItsApprovalWritesTheApproval() {
      Approval a = Approval.of("bob", "fine", 1);
      assertThat(ApplyStageAction.route(state(RolloutStatus.AWAITING_APPROVAL, 1, ARN, "t"), apply(ARN, a, false)))
          .isEqualTo(new Route.WriteApproval(a));
    }

    @Test
    void aWaitingStageFoundByAResumedExecutionAsksForApprovalAgain() {
      assertThat(ApplyStageAction.route(state(RolloutStatus.AWAITING_APPROVAL, 1, ARN, "t"), apply(OTHER_ARN, null,
          true))).isInstanceOfSatisfying(Route.ResumeWaiting.class, r -> {
            assertThat(r.result().next()).isEqualTo(Next.REQUEST_APPROVAL);
            assertThat(r.result().reason()).isEqualTo("resumed: stage 2 waits for approval; asking again");
          });
    }

    @Test
    void aWaitingStageWithoutItsApprovalOrWithAnotherStagesApprovalThrows() {
      RolloutState s = state(RolloutStatus.AWAITING_APPROVAL, 1, ARN, "t");
      assertThatThrownBy(() -> ApplyStageAction.route(s, apply(ARN, null, false)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("only with the approval of that stage");
      assertThatThrownBy(() -> ApplyStageAction.route(s, apply(ARN, Approval.of("bob", "ok", 0), false)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("only with the approval of that stage");
    }

    @Test
    void aRunningStageOtherThanTheApprovedOneThrows() {
      assertThatThrownBy(() -> ApplyStageAction.route(state(RolloutStatus.RUNNING, 1, ARN, null),
          apply(ARN, Approval.of("bob", "ok", 1), false)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("the approval moved it to stage 3");
    }
  }
}
