package io.llmcanary.core.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.health.HealthCheckReport;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The reconciler's table (state × deployed share → action) and what a correction does. */
class ReconcilerTest {

  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  static final VersionSpec STABLE = new VersionSpec("model-a", "offline", "You are helpful.", null, 0.7, 512);
  static final VersionSpec CANARY = new VersionSpec("model-b", "offline", "You are concise.", null, 0.7, 512);

  static RolloutConfig deployed(double percent) {
    return new RolloutConfig(1, "chat", "r1", percent, null, Map.of("stable", STABLE, "canary", CANARY), Map.of(),
        Guardrails.defaults(), List.of(5.0, 25.0, 50.0, 100.0), false);
  }

  /** The rollout in the named state at the given stage (1-based), or none. */
  static Optional<RolloutState> state(String status, int stage) {
    if (status.equals("NONE")) {
      return Optional.empty();
    }
    RolloutState s = RolloutState.start("chat", "r1", StagePlan.DEFAULT, T0, "arn");
    for (int i = 1; i < stage; i++) {
      s = move(move(s, new RolloutCommand.RequestApproval("wf", "gate", "tok")), new RolloutCommand.Approve("bob", "ok"));
    }
    return Optional.of(switch (RolloutStatus.valueOf(status)) {
      case RUNNING -> s;
      case AWAITING_APPROVAL -> move(s, new RolloutCommand.RequestApproval("wf", "gate", "tok"));
      case ROLLED_BACK -> move(s, new RolloutCommand.RollBack("hc", "errors"));
      case REJECTED -> move(move(s, new RolloutCommand.RequestApproval("wf", "gate", "tok")),
          new RolloutCommand.Reject("bob", "no"));
      case PROMOTED -> move(s, new RolloutCommand.Finalize("wf", "done"));
    });
  }

  static RolloutState move(RolloutState s, RolloutCommand c) {
    return switch (RolloutStateMachine.apply(s, c, T0)) {
      case Transition.Applied a -> a.state();
      case Transition.Refused r -> throw new IllegalStateException(r.reason());
    };
  }

  @ParameterizedTest(name = "{0} at stage {1}, {2}% deployed -> {3}")
  @CsvSource({
      // state, stage, deployed %, action, allowed %
      "NONE,              1,   0, IN_SYNC, 0",
      "NONE,              1,   5, CORRECT, 0",
      "RUNNING,           1,   5, IN_SYNC, 5",
      "RUNNING,           1,   0, IN_SYNC, 5",
      "RUNNING,           1,  25, CORRECT, 5",
      "RUNNING,           2,  25, IN_SYNC, 25",
      "RUNNING,           2,   5, IN_SYNC, 25",
      "AWAITING_APPROVAL, 2,  25, IN_SYNC, 25",
      "AWAITING_APPROVAL, 2,  50, CORRECT, 25",
      "ROLLED_BACK,       1,   0, IN_SYNC, 0",
      "ROLLED_BACK,       2,  25, CORRECT, 0",
      "REJECTED,          3,  50, CORRECT, 0",
      "PROMOTED,          4, 100, IN_SYNC, 0",
  })
  void theStateSaysHowManyUsersMayBeOnTheCanaryAndMoreIsCorrectedNeverRaised(String status, int stage,
      double deployed, String action, double allowed) {
    Reconciler.Decision d = Reconciler.decide(deployed(deployed), state(status, stage));
    if (action.equals("IN_SYNC")) {
      assertThat(d).isInstanceOf(Reconciler.Decision.InSync.class);
    } else {
      assertThat(d).isInstanceOfSatisfying(Reconciler.Decision.Correct.class, c -> {
        assertThat(c.deployed()).isEqualTo(deployed);
        assertThat(c.allowed()).isEqualTo(allowed);
      });
    }
  }

  @Test
  void nothingDeployedIsInSync() {
    assertThat(Reconciler.decide(null, Optional.empty())).isInstanceOf(Reconciler.Decision.InSync.class);
  }

  @Test
  void driftIsCorrectedAtOnceAndPagedWithWhatWasFound() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    store.create(state("ROLLED_BACK", 2).orElseThrow());
    InMemoryConfigStore config = new InMemoryConfigStore(deployed(25));
    RecordingAlertPublisher alerts = new RecordingAlertPublisher();

    Reconciler.Result r = new Reconciler(store, config, alerts, InstantSource.fixed(T0)).reconcile();

    assertThat(r).isInstanceOfSatisfying(Reconciler.Result.Corrected.class, c -> {
      assertThat(c.found()).isEqualTo(25.0);
      assertThat(c.allowed()).isZero();
    });
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(config.publications()).singleElement().satisfies(p ->
        assertThat(p.speed()).isEqualTo(ConfigPublisher.Speed.IMMEDIATE));
    assertThat(alerts.delivered()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(Alert.Kind.DRIFT_CORRECTED);
      assertThat(a.subject()).contains("chat/r1").contains("25%").contains("0%");
      assertThat(a.body()).contains("ROLLED_BACK").contains("./canaryctl history r1");
    });
    assertThat(store.history("chat", "r1")).extracting(e -> e.type()).contains("DRIFT_CORRECTED");
  }

  @Test
  void aPageThatCannotBeSentIsKeptOwedByTheRollout() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    store.create(state("ROLLED_BACK", 2).orElseThrow());
    InMemoryConfigStore config = new InMemoryConfigStore(deployed(25));
    RecordingAlertPublisher alerts = new RecordingAlertPublisher();
    alerts.failNext(1);

    new Reconciler(store, config, alerts, InstantSource.fixed(T0)).reconcile();

    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(store.get("chat", "r1").orElseThrow().owed()).singleElement()
        .isInstanceOfSatisfying(OwedStep.SendAlert.class, s ->
            assertThat(s.alert().kind()).isEqualTo(Alert.Kind.DRIFT_CORRECTED));
  }

  @Test
  void aCorrectionThatFailsIsReportedAsFailedForTheNextRun() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    store.create(state("ROLLED_BACK", 2).orElseThrow());
    ConfigPublisher down = new ConfigPublisher() {
      @Override
      public RolloutConfig deployedConfig() {
        return deployed(25);
      }

      @Override
      public void publish(RolloutConfig c, Speed speed, String description) {
        throw new IllegalStateException("ThrottlingException: Rate exceeded");
      }
    };
    Reconciler.Result r = new Reconciler(store, down, new RecordingAlertPublisher(), InstantSource.fixed(T0))
        .reconcile();
    assertThat(r).isInstanceOfSatisfying(Reconciler.Result.Failed.class, f -> assertThat(f.driftFound()).isTrue());
    assertThat(r.summary()).contains("DRIFT").contains("ThrottlingException");
    assertThat(new HealthCheckReport(T0, List.of(), r).count(HealthCheckReport.Signal.ROLLBACK_STEP_FAILED))
        .isEqualTo(1);
  }

  @Test
  void aConfigThatCannotBeReadIsAFailedRunButNotAFailedRollbackStep() {
    ConfigPublisher unreadable = new ConfigPublisher() {
      @Override
      public RolloutConfig deployedConfig() {
        throw new IllegalStateException("ThrottlingException: Rate exceeded");
      }

      @Override
      public void publish(RolloutConfig c, Speed speed, String description) {
        throw new AssertionError("nothing to publish");
      }
    };
    Reconciler.Result r = new Reconciler(new InMemoryRolloutStore(), unreadable, new RecordingAlertPublisher(),
        InstantSource.fixed(T0)).reconcile();
    assertThat(r).isInstanceOfSatisfying(Reconciler.Result.Failed.class, f -> assertThat(f.driftFound()).isFalse());
    HealthCheckReport report = new HealthCheckReport(T0, List.of(), r);
    assertThat(report.anyFailed()).isTrue();
    assertThat(report.count(HealthCheckReport.Signal.ROLLBACK_STEP_FAILED)).isZero();
  }
}
