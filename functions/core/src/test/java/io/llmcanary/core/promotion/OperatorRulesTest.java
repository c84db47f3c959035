package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.PromotionFixture.APP;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import io.llmcanary.core.rollout.RolloutStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OperatorRulesTest {

  static final String ALICE = "arn:aws:iam::123456789012:user/alice";
  static final String BOB = "arn:aws:iam::123456789012:user/bob";
  static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:s-ApprovePromotion:x1";

  @Nested
  class AllowList {

    private final OperatorRules rules = new OperatorRules(List.of(ALICE,
        "arn:aws:iam::123456789012:role/ops/Operators", "arn:aws:iam::123456789012:role/Release*"), false);

    @Test
    void aListedUserIsAdmittedAndAnotherUserOfTheAccountIsRefusedWithWhatToDo() {
      assertThat(rules.refusal(new Actor.Principal(ALICE))).isEmpty();
      assertThat(rules.refusal(new Actor.Principal(BOB))).get().asString()
          .contains(BOB).contains("OperatorPrincipals");
    }

    @Test
    void aListedRoleAdmitsEverySessionOfItWhateverItsPathAndNoOtherAccountsRole() {
      assertThat(rules.refusal(new Actor.Principal("arn:aws:sts::123456789012:assumed-role/Operators/carol"))).isEmpty();
      assertThat(rules.refusal(new Actor.Principal("arn:aws:sts::210987654321:assumed-role/Operators/carol"))).isPresent();
      assertThat(rules.refusal(new Actor.Principal("arn:aws:sts::123456789012:assumed-role/Readers/carol"))).isPresent();
    }

    @Test
    void aTrailingStarIsAPrefixOnTheCallerOrItsRole() {
      assertThat(rules.refusal(new Actor.Principal("arn:aws:sts::123456789012:assumed-role/ReleaseManagers/dan")))
          .isEmpty();
    }

    @Test
    void aNameNobodyVouchesForIsNeverOnTheList() {
      assertThat(rules.refusal(new Actor.Claimed(ALICE))).isPresent();
      assertThat(rules.refusal(new Actor.Execution(EXECUTION))).isPresent();
    }

    @Test
    void anEmptyListAdmitsEveryAuthenticatedCaller() {
      assertThat(OperatorRules.OPEN.refusal(new Actor.Principal(BOB))).isEmpty();
    }
  }

  @Test
  void recordedNamesReadBackAsWhatMadeThem() {
    assertThat(Actor.of(ALICE)).isEqualTo(new Actor.Principal(ALICE));
    assertThat(Actor.of("jwt:user-1").isPrincipal()).isTrue();
    assertThat(Actor.of(new Actor.Execution(EXECUTION).name())).isEqualTo(new Actor.Execution(EXECUTION));
    assertThat(Actor.of("cli:bob")).isEqualTo(new Actor.Claimed("cli:bob"));
    assertThat(new Actor.Claimed(ALICE).name()).isEqualTo("unverified:" + ALICE);
    assertThat(Actor.of(new Actor.Claimed(ALICE).name()).isPrincipal()).isFalse();
  }

  /** The two-person rule through the decide action, on the in-memory ports. */
  @Nested
  class TwoPersonRule {

    private final PromotionFixture f = new PromotionFixture();

    private Promotion promotion(boolean requireSeparateApprover) {
      return new Promotion(f.ports(), ApprovalChannels.LOCAL, new OperatorRules(List.of(), requireSeparateApprover));
    }

    private void awaitingApproval(Promotion p, String id, String starter) {
      DecisionResult r = p.start(new StartRequest(null, id, PromotionFixture.CANARY, Map.of(), null, starter, "go"));
      assertThat(r.applied()).as(r.message()).isTrue();
      String exec = "arn:aws:states:us-east-1:123456789012:execution:promotion:" + id;
      p.applyStage(new ApplyStage(APP, id, exec, null));
      assertThat(p.gate(new Gate(APP, id, 0, 0, 2)).next()).isEqualTo(Next.REQUEST_APPROVAL);
      f.tasks.open("t-" + id);
      p.requestApproval(new RequestApproval(APP, id, 0, "t-" + id, exec, 0));
    }

    @Test
    void withTheRuleTheStarterCannotApproveAndTheRefusalIsAudited() {
      Promotion p = promotion(true);
      awaitingApproval(p, "r1", ALICE);

      DecisionResult r = p.decide(new Decide(APP, "r1", "approve", ALICE, "mine, looks fine"));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("RequireSeparateApprover").contains("started this rollout");
      assertThat(f.state("r1").status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      assertThat(f.tasks.log).isEmpty();
      assertThat(f.store.history(APP, "r1")).last().satisfies(e -> {
        assertThat(e.type()).isEqualTo("REFUSED");
        assertThat(e.actor()).isEqualTo(ALICE);
      });
    }

    @Test
    void withTheRuleAnotherPrincipalApproves() {
      Promotion p = promotion(true);
      awaitingApproval(p, "r2", ALICE);

      DecisionResult r = p.decide(new Decide(APP, "r2", "approve", BOB, "second pair of eyes"));

      assertThat(r.applied()).as(r.message()).isTrue();
      assertThat(f.state("r2").stageIndex()).isEqualTo(1);
    }

    @Test
    void withTheRuleAnApprovalThatNamesNoPrincipalIsRefusedButTheStarterMayStillReject() {
      Promotion p = promotion(true);
      awaitingApproval(p, "r3", ALICE);

      DecisionResult viaExecution = p.decide(new Decide(APP, "r3", "approve", new Actor.Execution(EXECUTION).name(), null));
      assertThat(viaExecution.applied()).isFalse();
      assertThat(viaExecution.message()).contains("approve through the rollout API");

      DecisionResult reject = p.decide(new Decide(APP, "r3", "reject", ALICE, "changed my mind"));
      assertThat(reject.applied()).as(reject.message()).isTrue();
      assertThat(f.state("r3").status()).isEqualTo(RolloutStatus.REJECTED);
    }

    @Test
    void withTheRuleARolloutStartedUnderAClaimedNameCannotBeApproved() {
      Promotion p = promotion(true);
      awaitingApproval(p, "r4", new Actor.Claimed("alice").name());

      DecisionResult r = p.decide(new Decide(APP, "r4", "approve", BOB, null));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("not by a known principal");
    }

    @Test
    void withoutTheRuleTheStarterApprovesTheirOwnRollout() {
      Promotion p = promotion(false);
      awaitingApproval(p, "r5", ALICE);

      DecisionResult r = p.decide(new Decide(APP, "r5", "approve", ALICE, null));

      assertThat(r.applied()).as(r.message()).isTrue();
    }
  }
}
