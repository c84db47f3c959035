package io.llmcanary.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.rollout.RolloutCommand.Approve;
import io.llmcanary.core.rollout.RolloutCommand.Finalize;
import io.llmcanary.core.rollout.RolloutCommand.Reject;
import io.llmcanary.core.rollout.RolloutCommand.RequestApproval;
import io.llmcanary.core.rollout.RolloutCommand.RollBack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RolloutStateMachineTest {

  private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

  private static RolloutState fresh() {
    return RolloutState.start("chat", "r1", StagePlan.DEFAULT, T0, "arn:exec");
  }

  private static RolloutState applied(Transition t) {
    assertThat(t).as("expected the transition to apply").isInstanceOf(Transition.Applied.class);
    return ((Transition.Applied) t).state();
  }

  @Test
  void aRolloutClimbsEveryStageWithApprovalsAndEndsPromoted() {
    RolloutState s = fresh();
    assertThat(s.canaryPercent()).isEqualTo(5.0);
    Instant now = T0;
    for (double expected : List.of(25.0, 50.0, 100.0)) {
      now = now.plus(Duration.ofDays(1));
      s = applied(RolloutStateMachine.apply(s, new RequestApproval("workflow", "gate passed", "tok"), now));
      assertThat(s.status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      assertThat(s.taskToken()).isEqualTo("tok");
      s = applied(RolloutStateMachine.apply(s, new Approve("alice", "looks good"), now));
      assertThat(s.status()).isEqualTo(RolloutStatus.RUNNING);
      assertThat(s.canaryPercent()).isEqualTo(expected);
      assertThat(s.stageStartedAt()).isEqualTo(now);
      assertThat(s.taskToken()).isNull();
    }
    s = applied(RolloutStateMachine.apply(s, new Finalize("workflow", "last stage"), now));
    assertThat(s.status()).isEqualTo(RolloutStatus.PROMOTED);
    assertThat(s.canaryPercent()).isZero();
  }

  @Test
  void everyTransitionIncrementsTheVersionAndLeavesAnAuditEvent() {
    RolloutState s = fresh();
    Transition t = RolloutStateMachine.apply(s, new RollBack("health-check", "error_rate regressed"), T0);
    Transition.Applied a = (Transition.Applied) t;
    assertThat(a.state().version()).isEqualTo(s.version() + 1);
    assertThat(a.event().fromStatus()).isEqualTo(RolloutStatus.RUNNING);
    assertThat(a.event().toStatus()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(a.event().actor()).isEqualTo("health-check");
    assertThat(a.event().reason()).isEqualTo("error_rate regressed");
  }

  @Test
  void approvalAfterARollbackIsRefusedWithAClearMessage() {
    RolloutState s = applied(RolloutStateMachine.apply(fresh(), new RollBack("health-check", "quality"), T0));
    Transition t = RolloutStateMachine.apply(s, new Approve("alice", "ship it"), T0);
    assertThat(t).isInstanceOf(Transition.Refused.class);
    assertThat(((Transition.Refused) t).reason()).contains("cannot approve").contains("ROLLED_BACK");
  }

  @Test
  void aSecondRollbackIsRefusedSoRacingHealthChecksDoNotBothWin() {
    RolloutState s = applied(RolloutStateMachine.apply(fresh(), new RollBack("hc-1", "quality"), T0));
    assertThat(RolloutStateMachine.apply(s, new RollBack("hc-2", "quality"), T0)).isInstanceOf(Transition.Refused.class);
  }

  @Test
  void approvingAStageThatIsNotWaitingIsRefused() {
    Transition t = RolloutStateMachine.apply(fresh(), new Approve("alice", "early"), T0);
    assertThat(((Transition.Refused) t).reason()).contains("not waiting for approval").contains("RUNNING at stage 1 of 4 (5%)");
  }

  @Test
  void aRejectionEndsTheRolloutAtZeroPercent() {
    RolloutState s = applied(RolloutStateMachine.apply(fresh(), new RequestApproval("wf", "gate", "tok"), T0));
    s = applied(RolloutStateMachine.apply(s, new Reject("bob", "tone is off"), T0));
    assertThat(s.status()).isEqualTo(RolloutStatus.REJECTED);
    assertThat(s.canaryPercent()).isZero();
  }

  @Test
  void finalizingBeforeTheLastStageIsRefused() {
    assertThat(RolloutStateMachine.apply(fresh(), new Finalize("wf", "too soon"), T0)).isInstanceOf(Transition.Refused.class);
  }

  @Test
  void askingForApprovalWithoutATaskTokenIsRefused() {
    assertThat(RolloutStateMachine.apply(fresh(), new RequestApproval("wf", "gate", " "), T0)).isInstanceOf(Transition.Refused.class);
  }

  @Test
  void aStagePlanMustRiseAndEndAtOneHundred() {
    assertThatThrownBy(() -> new StagePlan(List.of(5.0, 5.0, 100.0))).hasMessageContaining("rise strictly");
    assertThatThrownBy(() -> new StagePlan(List.of(5.0, 50.0))).hasMessageContaining("must be 100");
    assertThat(new StagePlan(List.of(0.5, 10.0, 100.0)).percent(0)).isEqualTo(0.5);
  }

  @Provide
  Arbitrary<List<RolloutCommand>> commandSequences() {
    Arbitrary<RolloutCommand> cmd = Arbitraries.oneOf(
        Arbitraries.just(new RequestApproval("wf", "gate", "tok")),
        Arbitraries.just(new Approve("alice", "ok")),
        Arbitraries.just(new Reject("bob", "no")),
        Arbitraries.just(new RollBack("hc", "regression")),
        Arbitraries.just(new Finalize("wf", "done")));
    return cmd.list().ofMaxSize(30);
  }

  @Property
  void anySequenceOfCommandsKeepsTheStateMachineInvariants(@ForAll("commandSequences") List<RolloutCommand> commands) {
    RolloutState s = fresh();
    for (RolloutCommand c : commands) {
      Transition t = RolloutStateMachine.apply(s, c, T0);
      switch (t) {
        case Transition.Applied a -> {
          assertThat(s.status().isTerminal()).as("a terminal state never moves").isFalse();
          assertThat(a.state().version()).isEqualTo(s.version() + 1);
          assertThat(a.state().stageIndex()).isBetween(s.stageIndex(), s.stageIndex() + 1);
          s = a.state();
        }
        case Transition.Refused r -> assertThat(r.state()).isSameAs(s);
      }
      assertThat(s.stageIndex()).isBetween(0, s.plan().lastIndex());
      assertThat(s.status() == RolloutStatus.AWAITING_APPROVAL).isEqualTo(s.taskToken() != null);
      if (s.status() == RolloutStatus.PROMOTED) {
        assertThat(s.plan().isLast(s.stageIndex())).isTrue();
      }
    }
  }
}
