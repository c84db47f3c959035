package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.PromotionFixture.APP;
import static io.llmcanary.core.promotion.PromotionFixture.CANARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore.Publication;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.PromotionRequest.ExpireApproval;
import io.llmcanary.core.promotion.PromotionRequest.Finalize;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.promotion.PromotionRequest.ReportFailure;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class PromotionTest {

  private final PromotionFixture f = new PromotionFixture();
  private final Promotion p = f.promotion();

  private RolloutState started(String id) {
    DecisionResult r = p.start(f.startRequest(id));
    assertThat(r.applied()).as(r.message()).isTrue();
    assertThat(p.applyStage(new ApplyStage(APP, id, executionArn(id), null)).next()).isEqualTo(Next.WAIT);
    return f.state(id);
  }

  private static String executionArn(String id) {
    return "arn:aws:states:us-east-1:123456789012:execution:promotion:" + id;
  }

  /** Runs the stage's gate (healthy) and opens the approval task; answers the token. */
  private String awaitingApproval(String id) {
    RolloutState s = f.state(id);
    StepResult g = p.gate(new Gate(APP, id, s.stageIndex(), 0, 2));
    assertThat(g.next()).isEqualTo(Next.REQUEST_APPROVAL);
    String token = "token-" + id + "-" + s.stageIndex();
    f.tasks.open(token);
    assertThat(p.requestApproval(new RequestApproval(APP, id, s.stageIndex(), token, executionArn(id), 604800)).next())
        .isEqualTo(Next.AWAIT_DECISION);
    return token;
  }

  private DecisionResult decide(String id, String decision, String reason) {
    return p.decide(new Decide(APP, id, decision, "bob", reason));
  }

  @Nested
  class ChangeSummary {

    @Test
    void theStartsAuditEventAndTheApprovalPageSayWhatTheRolloutChanges() {
      started("cs1");
      AuditEvent startedEvent = f.store.history(APP, "cs1").stream().filter(e -> e.type().equals("STARTED"))
          .findFirst().orElseThrow();
      assertThat(startedEvent.reason()).contains("model").contains("canary needed");
      assertThat(startedEvent.table()).contains("Recommendation");

      awaitingApproval("cs1");

      assertThat(f.alerts.delivered()).singleElement().satisfies(a -> {
        assertThat(a.kind()).isEqualTo(Alert.Kind.APPROVAL_NEEDED);
        assertThat(a.body()).contains("What you are approving").contains("model-a").contains("model-b");
      });
    }
  }

  @Nested
  class Start {

    @Test
    void writesTheConfigAtTheFirstStageRecordsTheRolloutAndStartsItsWorkflow() {
      DecisionResult r = p.start(f.startRequest("concise-1"));

      assertThat(r.applied()).isTrue();
      assertThat(r.message()).contains("5%").contains("5% -> 25% -> 50% -> 100%").contains(executionArn("concise-1"));
      RolloutConfig c = f.configs.deployedConfig();
      assertThat(c.rolloutId()).isEqualTo("concise-1");
      assertThat(c.canaryPercent()).isEqualTo(5.0);
      assertThat(c.versions()).containsEntry("canary", CANARY).containsEntry("stable", PromotionFixture.STABLE);
      RolloutState s = f.state("concise-1");
      assertThat(s.status()).isEqualTo(RolloutStatus.RUNNING);
      assertThat(s.stageIndex()).isZero();
      assertThat(s.executionArn()).isEqualTo(executionArn("concise-1"));
      assertThat(f.started).containsExactly("concise-1");
      assertThat(f.store.history(APP, "concise-1")).extracting(AuditEvent::type, AuditEvent::actor)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("STARTED", "alice"));
    }

    @Test
    void refusesAnInvalidCanaryVersionNamingTheField() {
      VersionSpec bad = new VersionSpec("model-b", "offline", "x", null, 3.5, 0);
      DecisionResult r = p.start(new io.llmcanary.core.promotion.StartRequest(null, "bad-1", bad, null, null, "alice", null));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("versions.canary.temperature").contains("versions.canary.maxTokens");
      assertThat(f.store.get(APP, "bad-1")).isEmpty();
      assertThat(f.configs.publications()).isEmpty();
      assertThat(f.started).isEmpty();
    }

    @Test
    void refusesWhileAnotherRolloutOfTheApplicationIsActive() {
      started("first");
      DecisionResult r = p.start(f.startRequest("second"));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("rollout first is already active for application support-chat")
          .contains("RUNNING at stage 1 of 4 (5%)");
      assertThat(f.store.get(APP, "second")).isEmpty();
      assertThat(f.configs.deployedConfig().rolloutId()).isEqualTo("first");
    }

    @Test
    void aStartThatALaggingActiveListLetsThroughIsRefusedByTheAtomicCreateNamingTheActiveRollout() {
      // "first" won a race a moment ago: its state is stored, its config not published yet, and the list of
      // active rollouts (an eventually consistent index in DynamoDB) does not show it yet.
      f.store.create(RolloutState.start(APP, "first", StagePlan.DEFAULT, f.clock.instant(), null));
      RolloutStore lagging = new ForwardingStore(f.store) {
        @Override
        public List<RolloutState> active() {
          return List.of();
        }
      };
      PromotionPorts ports = f.ports();
      Promotion racing = new Promotion(new PromotionPorts(lagging, ports.configs(), ports.metrics(), ports.policy(),
          ports.alerts(), ports.approvals(), ports.starter(), ports.configCheck(), ports.clock()), null);

      DecisionResult r = racing.start(f.startRequest("second"));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).isEqualTo("cannot start: rollout first is already active for application support-chat"
          + " (RUNNING at stage 1 of 4 (5%)). One rollout at a time: let it finish, reject it or roll it back first");
      assertThat(f.store.get(APP, "second")).isEmpty();
      assertThat(f.configs.publications()).isEmpty();
      assertThat(f.started).isEmpty();
    }

    @RepeatedTest(10)
    void ofStartsRacingForOneApplicationExactlyOneStartsAndEveryOtherIsRefusedNamingIt() throws Exception {
      int n = 8;
      CountDownLatch go = new CountDownLatch(1);
      List<Future<DecisionResult>> futures;
      try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
        futures = IntStream.range(0, n).mapToObj(i -> pool.submit(() -> {
          go.await();
          return p.start(f.startRequest("racer-" + i));
        })).toList();
        go.countDown();
      }
      List<DecisionResult> results = futures.stream().map(Future::resultNow).toList();

      List<DecisionResult> applied = results.stream().filter(DecisionResult::applied).toList();
      assertThat(applied).hasSize(1);
      String winner = applied.get(0).rolloutId();
      assertThat(f.store.active()).extracting(RolloutState::rolloutId).containsExactly(winner);
      assertThat(f.started).containsExactly(winner);
      assertThat(f.configs.deployedConfig().rolloutId()).isEqualTo(winner);
      // Whichever check caught a loser (the active list, the published config, the atomic create), it names the winner.
      assertThat(results).filteredOn(res -> !res.applied()).hasSize(n - 1)
          .allSatisfy(res -> assertThat(res.message()).startsWith("cannot start: ").contains(winner));
    }

    @Test
    void startsAgainOnceTheActiveRolloutHasEnded() {
      started("first");
      RolloutState s = f.state("first");
      f.store.replace(move(s, new RolloutCommand.RollBack("health-check", "errors 3x")), s.version());
      f.configs.publish(f.configs.deployedConfig().withCanaryPercent(0), Speed.IMMEDIATE, "rolled back");

      DecisionResult r = p.start(f.startRequest("second"));

      assertThat(r.applied()).as(r.message()).isTrue();
      assertThat(f.store.active()).extracting(RolloutState::rolloutId).containsExactly("second");
    }

    @Test
    void refusesAReusedRolloutId() {
      started("once");
      f.store.replace(move(f.state("once"), new RolloutCommand.RollBack("t", "t")), f.state("once").version());
      f.configs.publish(f.configs.deployedConfig().withCanaryPercent(0), Speed.IMMEDIATE, "rolled back");

      DecisionResult r = p.start(f.startRequest("once"));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("exists already");
    }

    @Test
    void aStartWhoseWorkflowCannotBeStartedIsResumedByTheSameStartAgain() {
      WorkflowStarter working = f.starter;
      f.starter = (a, i) -> {
        throw new IllegalStateException("AccessDenied on states:StartExecution");
      };
      DecisionResult r = p.start(f.startRequest("orphan"));

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("AccessDenied").contains("Run the same start again")
          .contains("./canaryctl rollback orphan");
      assertThat(f.state("orphan").status()).isEqualTo(RolloutStatus.RUNNING);
      assertThat(f.state("orphan").executionArn()).isNull();

      f.starter = working;
      DecisionResult again = p.start(f.startRequest("orphan"));

      assertThat(again.applied()).isTrue();
      assertThat(f.state("orphan").executionArn()).endsWith(":orphan");
      assertThat(f.configs.deployedConfig().canaryPercent()).isEqualTo(5.0);
      assertThat(f.store.history(APP, "orphan")).extracting(AuditEvent::type).contains("START_RESUMED");
    }

    @Test
    void anOperatorRollsBackARunningRolloutThroughTheOneRollbackAction() {
      started("op1");
      DecisionResult r = p.rollBack(APP, "op1", "carol", "answers look wrong");

      assertThat(r.applied()).isTrue();
      assertThat(f.state("op1").status()).isEqualTo(RolloutStatus.ROLLED_BACK);
      assertThat(f.state("op1").owed()).isEmpty();
      assertThat(f.configs.deployedConfig().canaryPercent()).isZero();
      assertThat(f.configs.publications()).last().extracting(Publication::speed).isEqualTo(Speed.IMMEDIATE);
      assertThat(f.alerts.delivered()).singleElement().satisfies(a -> {
        assertThat(a.kind()).isEqualTo(Alert.Kind.ROLLBACK);
        assertThat(a.body()).contains("carol").contains("answers look wrong");
      });
      assertThat(p.rollBack(APP, "op1", "carol", "again").applied()).isFalse();
    }
  }

  @Nested
  class ApplyStageAction {

    @Test
    void theFirstStageIsAlreadyInEffectAfterStartSoNothingIsPublishedTwice() {
      started("s1");
      assertThat(f.configs.publications()).hasSize(1);
      StepResult again = p.applyStage(new ApplyStage(APP, "s1", executionArn("s1"), null));
      assertThat(again.next()).isEqualTo(Next.WAIT);
      assertThat(again.percent()).isEqualTo(5.0);
      assertThat(f.configs.publications()).hasSize(1);
    }

    @Test
    void afterAnApprovalItPublishesTheNextStagesPercent() {
      started("s2");
      awaitingApproval("s2");
      assertThat(decide("s2", "approve", "looks good").applied()).isTrue();

      StepResult r = p.applyStage(new ApplyStage(APP, "s2", executionArn("s2"), Approval.of("bob", "looks good", 0)));

      assertThat(r.next()).isEqualTo(Next.WAIT);
      assertThat(r.stageIndex()).isEqualTo(1);
      assertThat(f.configs.deployedConfig().canaryPercent()).isEqualTo(25.0);
      assertThat(f.configs.publications()).last().extracting(Publication::speed).isEqualTo(Speed.PLANNED);
    }

    @Test
    void movesTheStageItselfWhenTheDeciderDiedAfterCompletingTheTask() {
      started("s3");
      awaitingApproval("s3");
      // Step Functions delivered the approval, but the decide call never wrote the state.
      StepResult r = p.applyStage(new ApplyStage(APP, "s3", executionArn("s3"), Approval.of("carol", "ok", 0)));

      assertThat(r.next()).isEqualTo(Next.WAIT);
      RolloutState s = f.state("s3");
      assertThat(s.status()).isEqualTo(RolloutStatus.RUNNING);
      assertThat(s.stageIndex()).isEqualTo(1);
      assertThat(f.store.history(APP, "s3")).anySatisfy(e -> {
        assertThat(e.actor()).isEqualTo("carol");
        assertThat(e.toStatus()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(e.fromStatus()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      });
    }

    @Test
    void routesToTheEndWhenTheRolloutEndedMeanwhile() {
      started("s4");
      RolloutState s = f.state("s4");
      f.store.replace(move(s, new RolloutCommand.RollBack("health-check", "errors up")), s.version());
      assertThat(p.applyStage(new ApplyStage(APP, "s4", executionArn("s4"), null)).next()).isEqualTo(Next.ROLLED_BACK);
    }

    @Test
    void atTheLastStageItHandsOverToFinalizeWithoutPublishing() {
      started("s5");
      for (int stage = 0; stage < 3; stage++) {
        awaitingApproval("s5");
        decide("s5", "approve", "ok");
        if (stage < 2) {
          p.applyStage(new ApplyStage(APP, "s5", executionArn("s5"), Approval.of("bob", "ok", stage)));
        }
      }
      int published = f.configs.publications().size();
      StepResult r = p.applyStage(new ApplyStage(APP, "s5", executionArn("s5"), Approval.of("bob", "ok", 2)));
      assertThat(r.next()).isEqualTo(Next.FINALIZE);
      assertThat(f.configs.publications()).hasSize(published);
    }

    @Test
    void refusesToBeDrivenByASecondExecution() {
      started("s6");
      assertThatThrownBy(() -> p.applyStage(new ApplyStage(APP, "s6", "arn:aws:states:x:y:execution:promotion:other", null)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("is driven by workflow execution");
    }
  }

  @Nested
  class GateAction {

    @Test
    void aHealthyGateProposesTheStageAndRecordsVerdictAndTable() {
      started("g1");
      StepResult r = p.gate(new Gate(APP, "g1", 0, 0, 2));

      assertThat(r.next()).isEqualTo(Next.REQUEST_APPROVAL);
      assertThat(r.outcome()).isEqualTo("HEALTHY");
      assertThat(r.table()).contains("avg_quality");
      assertThat(f.store.history(APP, "g1")).last().satisfies(e -> {
        assertThat(e.type()).isEqualTo("GATE");
        assertThat(e.outcome()).isEqualTo(io.llmcanary.core.judge.Outcome.HEALTHY);
        assertThat(e.reason()).startsWith("HEALTHY");
        assertThat(e.table()).contains("avg_quality");
      });
    }

    @Test
    void anInconclusiveGateWaitsAgainUntilItsBoundThenAsksAPerson() {
      started("g2");
      f.policy.gates.add(Outcome.INCONCLUSIVE);
      f.policy.gates.add(Outcome.INCONCLUSIVE);
      f.policy.gates.add(Outcome.INCONCLUSIVE);

      StepResult first = p.gate(new Gate(APP, "g2", 0, 0, 2));
      assertThat(first.next()).isEqualTo(Next.WAIT_AGAIN);
      assertThat(first.inconclusiveWaits()).isEqualTo(1);
      StepResult second = p.gate(new Gate(APP, "g2", 0, first.inconclusiveWaits(), 2));
      assertThat(second.next()).isEqualTo(Next.WAIT_AGAIN);
      assertThat(second.inconclusiveWaits()).isEqualTo(2);
      StepResult third = p.gate(new Gate(APP, "g2", 0, second.inconclusiveWaits(), 2));
      assertThat(third.next()).isEqualTo(Next.REQUEST_APPROVAL);
      assertThat(third.outcome()).isEqualTo("INCONCLUSIVE");
      assertThat(third.reason()).contains("a person decides");
      assertThat(f.state("g2").status()).isEqualTo(RolloutStatus.RUNNING);
    }

    @Test
    void aRegressionRollsBackAtOnce() {
      started("g3");
      f.policy.gates.add(Outcome.REGRESSION);

      StepResult r = p.gate(new Gate(APP, "g3", 0, 0, 2));

      assertThat(r.next()).isEqualTo(Next.ROLLED_BACK);
      assertThat(r.percent()).isZero();
      assertThat(f.state("g3").status()).isEqualTo(RolloutStatus.ROLLED_BACK);
      assertThat(f.configs.deployedConfig().canaryPercent()).isZero();
      assertThat(f.configs.publications()).last().extracting(Publication::speed).isEqualTo(Speed.IMMEDIATE);
      assertThat(f.alertKinds()).containsExactly(Alert.Kind.ROLLBACK);
      assertThat(f.alerts.delivered().get(0).body()).contains("avg_quality");
      assertThat(f.store.history(APP, "g3")).filteredOn(e -> e.type().equals("TRANSITION")).last().satisfies(e -> {
        assertThat(e.toStatus()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(e.actor()).isEqualTo("promotion-gate");
        assertThat(e.table()).contains("avg_quality");
      });
    }

    @Test
    void aGateForAStageTheRolloutIsNotInIsAnError() {
      started("g4");
      assertThatThrownBy(() -> p.gate(new Gate(APP, "g4", 2, 0, 2))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("gate of stage 3 asked").hasMessageContaining("RUNNING at stage 1 of 4");
    }
  }

  @Nested
  class RequestApprovalAction {

    @Test
    void storesTheTokenAndSendsTheEvidenceAndTheThreeWaysToDecide() {
      started("r1");
      String token = awaitingApproval("r1");

      RolloutState s = f.state("r1");
      assertThat(s.status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      assertThat(s.taskToken()).isEqualTo(token);
      Alert a = f.alerts.delivered().get(0);
      assertThat(a.kind()).isEqualTo(Alert.Kind.APPROVAL_NEEDED);
      assertThat(a.subject()).contains("support-chat/r1 stage 1 of 4 (5%) -> 25%");
      assertThat(a.body())
          .contains("avg_quality")
          .contains("{\"application\": \"support-chat\", \"rolloutId\": \"r1\", \"decision\": \"approve\"")
          .contains("https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/"
              + "arn:aws:states:us-east-1:123456789012:stateMachine:ApprovePromotion")
          .contains("./canaryctl approve r1 --reason")
          .contains("./canaryctl reject r1")
          .contains("POST https://api.example.com/prod/rollouts/r1/approve")
          .contains("#/v2/executions/details/" + executionArn("r1"))
          .contains("within 7 days");
    }

    @Test
    void aRetriedCallWithTheSameTokenChangesNothing() {
      started("r2");
      String token = awaitingApproval("r2");
      long version = f.state("r2").version();
      StepResult again = p.requestApproval(new RequestApproval(APP, "r2", 0, token, executionArn("r2"), 0));
      assertThat(again.next()).isEqualTo(Next.AWAIT_DECISION);
      assertThat(f.state("r2").version()).isEqualTo(version);
      assertThat(f.alerts.delivered()).hasSize(1);
    }

    @Test
    void aRetriedTaskReplacesTheDeadToken() {
      started("r3");
      awaitingApproval("r3");
      f.tasks.open("new-token");
      p.requestApproval(new RequestApproval(APP, "r3", 0, "new-token", executionArn("r3"), 0));
      assertThat(f.state("r3").taskToken()).isEqualTo("new-token");
    }

    @Test
    void whenTheRolloutWasRolledBackMeanwhileItFailsTheTaskSoTheWorkflowEndsAtRolledBack() {
      started("r4");
      RolloutState s = f.state("r4");
      f.store.replace(move(s, new RolloutCommand.RollBack("health-check", "error rate 31%")), s.version());
      f.tasks.open("t4");

      StepResult r = p.requestApproval(new RequestApproval(APP, "r4", 0, "t4", executionArn("r4"), 0));

      assertThat(r.next()).isEqualTo(Next.ROLLED_BACK);
      assertThat(f.tasks.log).containsExactly("failure t4 RolledBack rollout r4 was rolled back: error rate 31%");
    }
  }

  @Nested
  class DecideAction {

    @Test
    void approveCompletesTheTaskWithTheDecisionAndMovesToTheNextStage() {
      started("d1");
      String token = awaitingApproval("d1");

      DecisionResult r = decide("d1", "approve", "quality holds");

      assertThat(r.applied()).isTrue();
      assertThat(r.message()).contains("approved by bob").contains("stage 2 of 4 (25%)");
      assertThat(f.tasks.log).containsExactly("success " + token + " " + new Approval("approve", "bob", "quality holds",
          0, 1));
      RolloutState s = f.state("d1");
      assertThat(s.status()).isEqualTo(RolloutStatus.RUNNING);
      assertThat(s.stageIndex()).isEqualTo(1);
      assertThat(s.taskToken()).isNull();
      assertThat(f.store.history(APP, "d1")).last().satisfies(e -> {
        assertThat(e.actor()).isEqualTo("bob");
        assertThat(e.reason()).isEqualTo("quality holds");
      });
    }

    @Test
    void approveWhenTheWorkflowAlreadyMovedTheStageStillCountsAsApplied() {
      started("d2");
      awaitingApproval("d2");
      // the workflow's apply-stage wins the race for the state write
      f.tasks.open("ignored");
      DecisionResult r = p.decide(new Decide(APP, "d2", "approve", "bob", "ok"));
      p.applyStage(new ApplyStage(APP, "d2", executionArn("d2"), Approval.of("bob", "ok", 0)));
      assertThat(r.applied()).isTrue();
      assertThat(f.state("d2").stageIndex()).isEqualTo(1);
    }

    @Test
    void rejectEndsTheRolloutWithTheCanaryBackAtZero() {
      started("d3");
      String token = awaitingApproval("d3");

      DecisionResult r = decide("d3", "reject", "tone is off");

      assertThat(r.applied()).isTrue();
      assertThat(r.message()).contains("canary back to 0%");
      assertThat(f.state("d3").status()).isEqualTo(RolloutStatus.REJECTED);
      assertThat(f.configs.deployedConfig().canaryPercent()).isZero();
      assertThat(f.tasks.log).containsExactly("failure " + token + " Rejected rejected by bob: tone is off");
      assertThat(f.alertKinds()).containsExactly(Alert.Kind.APPROVAL_NEEDED, Alert.Kind.REJECTED);
    }

    @Test
    void rejectWithAStaleTokenStillEndsTheRollout() {
      started("d4");
      String token = awaitingApproval("d4");
      f.tasks.open.remove(token); // the execution was stopped by hand

      DecisionResult r = decide("d4", "reject", "stop");

      assertThat(r.applied()).isTrue();
      assertThat(r.message()).contains("no longer waiting");
      assertThat(f.state("d4").status()).isEqualTo(RolloutStatus.REJECTED);
      assertThat(f.configs.deployedConfig().canaryPercent()).isZero();
    }

    @Test
    void approveWithAStaleTokenIsRefusedAndChangesNothing() {
      started("d5");
      String token = awaitingApproval("d5");
      f.tasks.open.remove(token); // the task timed out
      long version = f.state("d5").version();

      DecisionResult r = decide("d5", "approve", "go");

      assertThat(r.applied()).isFalse();
      assertThat(r.message()).startsWith("stale approval token").contains("Nothing changed")
          .contains("./canaryctl reject d5");
      assertThat(f.state("d5").status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      assertThat(f.state("d5").version()).isEqualTo(version);
      assertThat(f.configs.deployedConfig().canaryPercent()).isEqualTo(5.0);
      assertThat(f.store.history(APP, "d5")).last().extracting(AuditEvent::type).isEqualTo("REFUSED");
    }

    @Test
    void approvingARolledBackRolloutIsRefused() {
      started("d6");
      awaitingApproval("d6");
      RolloutState s = f.state("d6");
      f.store.replace(move(s, new RolloutCommand.RollBack("health-check", "quality -20%")), s.version());

      DecisionResult r = decide("d6", "approve", "go");

      assertThat(r.applied()).isFalse();
      assertThat(r.status()).isEqualTo("ROLLED_BACK");
      assertThat(r.message()).contains("rollout d6 was rolled back").contains("quality -20%")
          .contains("nothing to decide");
    }

    @Test
    void approvingARejectedOrFinishedRolloutIsRefused() {
      started("d7");
      awaitingApproval("d7");
      decide("d7", "reject", "no");
      assertThat(decide("d7", "approve", "yes").message()).contains("was already rejected");
      assertThat(decide("d7", "reject", "again").message()).contains("was already rejected");

      started("d8");
      for (int stage = 0; stage < 3; stage++) {
        awaitingApproval("d8");
        decide("d8", "approve", "ok");
        p.applyStage(new ApplyStage(APP, "d8", executionArn("d8"), Approval.of("bob", "ok", stage)));
      }
      p.finalizeRollout(new Finalize(APP, "d8"));
      assertThat(decide("d8", "approve", "yes").message()).contains("is finished");
    }

    @Test
    void aStageThatIsNotWaitingCannotBeApproved() {
      started("d9");
      DecisionResult r = decide("d9", "approve", "early");
      assertThat(r.applied()).isFalse();
      assertThat(r.message()).contains("stage 1 of rollout d9 is not waiting for approval")
          .contains("RUNNING at stage 1 of 4 (5%)");
    }

    @Test
    void anUnknownRolloutOrDecisionIsRefused() {
      assertThat(decide("nope", "approve", "x").message()).contains("there is no rollout nope");
      started("d10");
      assertThat(decide("d10", "approved", "x").message()).contains("decision must be \"approve\" or \"reject\"");
    }
  }

  @Nested
  class FinalizeAction {

    private void throughAllStages(String id) {
      started(id);
      for (int stage = 0; stage < 3; stage++) {
        awaitingApproval(id);
        decide(id, "approve", "ok");
        p.applyStage(new ApplyStage(APP, id, executionArn(id), Approval.of("bob", "ok", stage)));
      }
    }

    @Test
    void theCanaryBecomesTheNewStableWithNoCanaryLeft() {
      throughAllStages("f1");

      StepResult r = p.finalizeRollout(new Finalize(APP, "f1"));

      assertThat(r.next()).isEqualTo(Next.PROMOTED);
      assertThat(f.state("f1").status()).isEqualTo(RolloutStatus.PROMOTED);
      RolloutConfig c = f.configs.deployedConfig();
      assertThat(c.canaryPercent()).isZero();
      assertThat(c.versions()).containsOnlyKeys("stable").containsEntry("stable", CANARY);
      assertThat(f.alertKinds()).last().isEqualTo(Alert.Kind.PROMOTED);
      assertThat(f.store.history(APP, "f1")).last().extracting(AuditEvent::toStatus).isEqualTo(RolloutStatus.PROMOTED);
      assertThat(f.store.active()).isEmpty();
    }

    @Test
    void aRetryPublishesAndAlertsOnlyOnce() {
      throughAllStages("f2");
      p.finalizeRollout(new Finalize(APP, "f2"));
      int published = f.configs.publications().size();
      int alerted = f.alerts.delivered().size();

      assertThat(p.finalizeRollout(new Finalize(APP, "f2")).next()).isEqualTo(Next.PROMOTED);
      assertThat(f.configs.publications()).hasSize(published);
      assertThat(f.alerts.delivered()).hasSize(alerted);
    }

    @Test
    void finalizingBeforeTheLastStageIsAnError() {
      started("f3");
      assertThatThrownBy(() -> p.finalizeRollout(new Finalize(APP, "f3")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not at its last stage");
    }
  }

  @Nested
  class ExpiryAndFailures {

    @Test
    void anExpiredApprovalRejectsTheRolloutAndStopsTheCanary() {
      started("e1");
      awaitingApproval("e1");

      StepResult r = p.expireApproval(new ExpireApproval(APP, "e1", 0, 604800));

      assertThat(r.next()).isEqualTo(Next.REJECTED);
      assertThat(r.reason()).contains("no decision within 7 days");
      assertThat(f.state("e1").status()).isEqualTo(RolloutStatus.REJECTED);
      assertThat(f.configs.deployedConfig().canaryPercent()).isZero();
    }

    @Test
    void aWorkflowFailureIsRecordedAndReportedAndLeavesTheCanaryWhereItIs() {
      started("e2");
      StepResult r = p.reportFailure(new ReportFailure(APP, "e2", "States.TaskFailed", "AppConfig throttled",
          executionArn("e2")));

      assertThat(r.next()).isEqualTo(Next.FAILED);
      assertThat(f.state("e2").status()).isEqualTo(RolloutStatus.RUNNING);
      assertThat(f.configs.deployedConfig().canaryPercent()).isEqualTo(5.0);
      assertThat(f.store.history(APP, "e2")).extracting(AuditEvent::type).containsSubsequence("WORKFLOW_FAILED", "ALERT_SENT");
      Alert a = f.alerts.delivered().get(0);
      assertThat(a.kind()).isEqualTo(Alert.Kind.WORKFLOW_FAILED);
      assertThat(a.body()).contains("AppConfig throttled").contains("RUNNING at stage 1 of 4 (5%)")
          .contains("{\"application\": \"support-chat\", \"rolloutId\": \"e2\", \"resume\": true}")
          .contains("aws stepfunctions start-execution --state-machine-arn arn:aws:states:us-east-1:123456789012:"
              + "stateMachine:promotion --name e2-resume-")
          .contains("./canaryctl rollback e2");
    }

    @Test
    void anUndeliverableAlertIsKeptAndDeliveredByTheNextAction() {
      started("e3");
      f.alerts.failNext(1);
      f.policy.gates.add(Outcome.HEALTHY);
      awaitingApproval("e3");

      RolloutState s = f.state("e3");
      assertThat(s.status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
      assertThat(s.owed()).singleElement().isInstanceOfSatisfying(io.llmcanary.core.rollout.OwedStep.SendAlert.class,
          a -> assertThat(a.alert().kind()).isEqualTo(Alert.Kind.APPROVAL_NEEDED));
      assertThat(f.alerts.delivered()).isEmpty();

      decide("e3", "approve", "ok");
      p.applyStage(new ApplyStage(APP, "e3", executionArn("e3"), Approval.of("bob", "ok", 0)));

      assertThat(f.alertKinds()).containsExactly(Alert.Kind.APPROVAL_NEEDED);
      assertThat(f.state("e3").owed()).isEmpty();
    }
  }

  static RolloutState move(RolloutState s, RolloutCommand c) {
    return switch (RolloutStateMachine.apply(s, c, s.updatedAt().plus(Duration.ofMinutes(1)))) {
      case Transition.Applied a -> a.state();
      case Transition.Refused r -> throw new IllegalStateException(r.reason());
    };
  }


  /** A store that hands every call to another; tests override what they fake. */
  static class ForwardingStore implements RolloutStore {
    private final RolloutStore inner;

    ForwardingStore(RolloutStore inner) {
      this.inner = inner;
    }

    @Override
    public java.util.Optional<RolloutState> get(String application, String rolloutId) {
      return inner.get(application, rolloutId);
    }

    @Override
    public List<RolloutState> active() {
      return inner.active();
    }

    @Override
    public CreateResult create(RolloutState state) {
      return inner.create(state);
    }

    @Override
    public boolean replace(RolloutState next, long expectedVersion, AuditEvent event) {
      return inner.replace(next, expectedVersion, event);
    }

    @Override
    public void append(AuditEvent event) {
      inner.append(event);
    }

    @Override
    public List<AuditEvent> history(String application, String rolloutId) {
      return inner.history(application, rolloutId);
    }
  }
}
