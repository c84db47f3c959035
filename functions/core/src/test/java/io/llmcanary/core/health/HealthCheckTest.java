package io.llmcanary.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The run logic with a scripted policy: what each verdict leads to, in which order, and under which faults. */
class HealthCheckTest {

  static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");
  static final String APP = "chat";
  static final String ID = "concise-1";

  final InMemoryRolloutStore store = new InMemoryRolloutStore();
  final InMemoryConfigStore config = new InMemoryConfigStore(config(5));
  final RecordingAlertPublisher alerts = new RecordingAlertPublisher();
  final RecordingApprovalGateway approvals = new RecordingApprovalGateway();
  final AtomicReference<Outcome> verdict = new AtomicReference<>(Outcome.HEALTHY);
  final AtomicReference<Instant> now = new AtomicReference<>(T0.plus(Duration.ofHours(2)));
  MetricsQuery metrics = (app, id, from, to) -> input(from, to);

  static RolloutConfig config(double percent) {
    VersionSpec v = new VersionSpec("offline-model", "offline", "be helpful", null, 0.7, 512);
    return new RolloutConfig(1, APP, ID, percent, null, Map.of("stable", v, "canary", v), Map.of(), null, null,
        false);
  }

  static JudgeInput input(Instant from, Instant to) {
    VersionStats s = new VersionStats(1000, 10, 4, 300, 255, 2000, List.of(2000.0));
    VersionStats c = new VersionStats(50, 1, 0.2, 15, 10, 2100, List.of(2100.0));
    WindowStats w = new WindowStats(from, to, s, c);
    return new JudgeInput(w, w);
  }

  CanaryPolicy policy() {
    return new CanaryPolicy() {
      @Override
      public String name() {
        return "scripted";
      }

      @Override
      public Verdict rollbackCheck(JudgeInput input, Guardrails g) {
        Outcome o = verdict.get();
        MetricRow row = new MetricRow(io.llmcanary.core.judge.Metric.QUALITY, 0.85, 0.66, MetricRow.diffPercent(0.85, 0.66),
            "canary >= 90% of stable", o, 300, 15, "scripted");
        return new Verdict(o, Verdict.Kind.ROLLBACK_CHECK, List.of(row), "scripted " + o);
      }

      @Override
      public Verdict promotionGate(JudgeInput input, Guardrails g) {
        throw new UnsupportedOperationException();
      }
    };
  }

  HealthCheck check() {
    return check(config);
  }

  HealthCheck check(ConfigPublisher publisher) {
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    return new HealthCheck(store, (a, i, f, t) -> metrics.fetch(a, i, f, t), publisher, alerts, approvals, policy(),
        clock, HealthCheckSettings.defaults(OperatorCommands.local()));
  }

  RolloutState running() {
    RolloutState s = RolloutState.start(APP, ID, StagePlan.DEFAULT, T0, "arn:execution");
    store.create(s);
    return s;
  }

  RolloutState awaitingApproval() {
    RolloutState s = running();
    Transition t = RolloutStateMachine.apply(s, new RolloutCommand.RequestApproval("promotion", "gate passed",
        "token-1"), T0.plusSeconds(60));
    RolloutState next = ((Transition.Applied) t).state();
    store.replace(next, s.version());
    return next;
  }

  RolloutState stored() {
    return store.get(APP, ID).orElseThrow();
  }

  List<String> types() {
    return store.history(APP, ID).stream().map(AuditEvent::type).toList();
  }

  void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void healthyRunLeavesAVerdictAndChangesNothing() {
    running();
    HealthCheckReport r = check().run(HealthCheckRequest.all());
    assertThat(r.rollouts()).singleElement().satisfies(c -> {
      assertThat(c.action()).isEqualTo(RolloutCheck.Action.JUDGED);
      assertThat(c.outcome()).isEqualTo(Outcome.HEALTHY);
    });
    assertThat(types()).containsExactly("VERDICT");
    assertThat(store.history(APP, ID).get(0).table()).contains("avg_quality");
    assertThat(store.history(APP, ID).get(0).outcome()).isEqualTo(Outcome.HEALTHY);
    assertThat(stored().status()).isEqualTo(RolloutStatus.RUNNING);
    assertThat(config.publications()).isEmpty();
    assertThat(alerts.delivered()).isEmpty();
  }

  @Test
  void metricsFailureIsInconclusiveNeverARollback() {
    running();
    verdict.set(Outcome.REGRESSION);
    metrics = (a, i, f, t) -> {
      throw new IllegalStateException("throttled");
    };
    HealthCheckReport r = check().run(HealthCheckRequest.all());
    assertThat(r.rollouts().get(0).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.rollouts().get(0).reason()).contains("metrics unavailable").contains("throttled");
    assertThat(stored().status()).isEqualTo(RolloutStatus.RUNNING);
  }

  @Test
  void regressionRunsTheFourStepsInOrder() {
    awaitingApproval();
    verdict.set(Outcome.REGRESSION);
    HealthCheckReport r = check().run(HealthCheckRequest.all());
    RolloutCheck c = r.rollouts().get(0);
    assertThat(c.action()).isEqualTo(RolloutCheck.Action.ROLLED_BACK);
    assertThat(c.steps()).hasSize(4);
    assertThat(c.steps().get(0)).startsWith("1.").contains("ROLLED_BACK");
    assertThat(c.steps().get(1)).startsWith("2.").contains("canary 0%");
    assertThat(c.steps().get(2)).startsWith("3.").contains("alert sent");
    assertThat(c.steps().get(3)).startsWith("4.").contains("SendTaskFailure");

    assertThat(types()).containsExactly("VERDICT", "TRANSITION", "CANARY_ZEROED", "ALERT_SENT",
        "APPROVAL_TASK_FAILED");
    assertThat(store.history(APP, ID).get(0).outcome()).isEqualTo(Outcome.REGRESSION);
    AuditEvent rollback = store.history(APP, ID).get(1);
    assertThat(rollback.toStatus()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(rollback.table()).contains("avg_quality");

    assertThat(config.publications()).singleElement().satisfies(p -> {
      assertThat(p.config().canaryPercent()).isZero();
      assertThat(p.speed()).isEqualTo(ConfigPublisher.Speed.IMMEDIATE);
    });
    assertThat(alerts.delivered()).singleElement().satisfies(a -> {
      assertThat(a.subject()).contains(APP).contains(ID).contains("avg_quality");
      assertThat(a.body()).contains("Canary traffic set to 0%").contains("approval is being failed");
      assertThat(a.body()).contains("The change:").contains("identical"); // this fixture's canary equals stable
    });
    assertThat(approvals.decisions()).singleElement().satisfies(d -> {
      assertThat(d.approved()).isFalse();
      assertThat(d.taskToken()).isEqualTo("token-1");
    });
    RolloutState s = stored();
    assertThat(s.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(s.owed()).isEmpty();
    assertThat(s.taskToken()).isNull();
  }

  @Test
  void duplicateEventIsANoOp() {
    running();
    verdict.set(Outcome.REGRESSION);
    check().run(HealthCheckRequest.all());
    HealthCheckReport again = check().run(HealthCheckRequest.all());
    assertThat(again.rollouts()).isEmpty();
    HealthCheckReport named = check().run(new HealthCheckRequest(APP, ID));
    assertThat(named.rollouts().get(0).action()).isEqualTo(RolloutCheck.Action.NO_OP);
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(config.publications()).hasSize(1);
  }

  @Test
  void twoRunsAtOnceMakeOneRollbackAndOneAlert() {
    running();
    verdict.set(Outcome.REGRESSION);
    // Run B happens entirely while run A is reading metrics: both saw RUNNING, only one may win.
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<HealthCheckReport> b = new AtomicReference<>();
    metrics = (a, i, f, t) -> {
      if (calls.getAndIncrement() == 0) {
        b.set(check().run(HealthCheckRequest.all()));
      }
      return input(f, t);
    };
    HealthCheckReport a = check().run(HealthCheckRequest.all());
    assertThat(b.get().rollouts().get(0).action()).isEqualTo(RolloutCheck.Action.ROLLED_BACK);
    assertThat(a.rollouts().get(0).action()).isEqualTo(RolloutCheck.Action.NO_OP);
    assertThat(a.rollouts().get(0).reason()).contains("another writer");
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(config.publications()).hasSize(1);
    assertThat(types().stream().filter("TRANSITION"::equals)).hasSize(1);
  }

  @Test
  void snsDownThenUpDeliversTheAlertOnceOnTheNextRun() {
    running();
    verdict.set(Outcome.REGRESSION);
    alerts.failNext(1);
    RolloutCheck first = check().run(HealthCheckRequest.all()).rollouts().get(0);
    assertThat(first.action()).isEqualTo(RolloutCheck.Action.ROLLED_BACK);
    assertThat(first.steps()).anyMatch(s -> s.contains("ALERT_PENDING"));
    assertThat(first.failedSteps()).isEqualTo(1);
    assertThat(stored().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(config.publications()).hasSize(1); // the rollback itself was not blocked
    assertThat(alerts.delivered()).isEmpty();
    assertThat(stored().owed()).singleElement().isInstanceOf(OwedStep.SendAlert.class);

    advance(Duration.ofMinutes(15));
    RolloutCheck second = check().run(HealthCheckRequest.all()).rollouts().get(0);
    assertThat(second.action()).isEqualTo(RolloutCheck.Action.RESUMED);
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(stored().owed()).isEmpty();
    assertThat(config.publications()).hasSize(1);

    advance(Duration.ofMinutes(15));
    assertThat(check().run(HealthCheckRequest.all()).rollouts()).isEmpty();
    assertThat(alerts.delivered()).hasSize(1);
  }

  /** Stands for the process dying: not an exception the run may catch. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void crashBetweenStepsIsResumedByTheNextRun() {
    awaitingApproval();
    verdict.set(Outcome.REGRESSION);
    ConfigPublisher crashing = new ConfigPublisher() {
      @Override
      public RolloutConfig deployedConfig() {
        return config.deployedConfig();
      }

      @Override
      public void publish(RolloutConfig c, Speed speed, String description) {
        throw new Crash();
      }
    };
    assertThatThrownBy(() -> check(crashing).run(HealthCheckRequest.all())).isInstanceOf(Crash.class);
    RolloutState afterCrash = stored();
    assertThat(afterCrash.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(afterCrash.taskToken()).isNull();
    assertThat(afterCrash.owed()).hasSize(3).first().isInstanceOf(OwedStep.ZeroCanary.class);
    assertThat(afterCrash.owed()).last().isInstanceOfSatisfying(OwedStep.FailApprovalTask.class,
        f -> assertThat(f.taskToken()).isEqualTo("token-1"));
    assertThat(alerts.delivered()).isEmpty();

    advance(Duration.ofMinutes(15));
    RolloutCheck resumed = check().run(HealthCheckRequest.all()).rollouts().get(0);
    assertThat(resumed.action()).isEqualTo(RolloutCheck.Action.RESUMED);
    assertThat(resumed.steps()).hasSize(3);
    assertThat(config.publications()).singleElement().satisfies(p -> assertThat(p.config().canaryPercent()).isZero());
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(approvals.decisions()).hasSize(1);
    assertThat(stored().owed()).isEmpty();
    assertThat(stored().taskToken()).isNull();
  }

  @Test
  void appConfigFailureStillAlertsAndIsRetriedWithoutASecondPage() {
    running();
    verdict.set(Outcome.REGRESSION);
    AtomicInteger failures = new AtomicInteger(1);
    ConfigPublisher conflicted = new ConfigPublisher() {
      @Override
      public RolloutConfig deployedConfig() {
        return config.deployedConfig();
      }

      @Override
      public void publish(RolloutConfig c, Speed speed, String description) {
        if (failures.getAndDecrement() > 0) {
          throw new IllegalStateException("ConflictException: deployment 7 is in progress");
        }
        config.publish(c, speed, description);
      }
    };
    RolloutCheck first = check(conflicted).run(HealthCheckRequest.all()).rollouts().get(0);
    assertThat(first.steps().get(1)).contains("CANARY_ZERO_FAILED").contains("ConflictException");
    assertThat(alerts.delivered()).singleElement().satisfies(a -> assertThat(a.body()).contains("ACTION NEEDED"));
    assertThat(stored().owed()).singleElement().isInstanceOf(OwedStep.ZeroCanary.class);

    advance(Duration.ofMinutes(15));
    RolloutCheck second = check(conflicted).run(HealthCheckRequest.all()).rollouts().get(0);
    assertThat(second.action()).isEqualTo(RolloutCheck.Action.RESUMED);
    assertThat(config.publications()).hasSize(1);
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(stored().owed()).isEmpty();
  }

  @Test
  void approvalTaskThatCannotBeFailedIsGivenUpAfterBoundedAttempts() {
    awaitingApproval();
    verdict.set(Outcome.REGRESSION);
    AtomicInteger tries = new AtomicInteger();
    HealthCheck hc = new HealthCheck(store, metrics, config, alerts, new io.llmcanary.core.ports.ApprovalGateway() {
      @Override
      public void approve(String t, io.llmcanary.core.promotion.Approval o) { }

      @Override
      public void reject(String t, String e, String c) {
        tries.incrementAndGet();
        throw new IllegalStateException("TaskTimedOut");
      }
    }, policy(), Clock.fixed(now.get(), ZoneOffset.UTC), new HealthCheckSettings("hc", OperatorCommands.local()));
    hc.run(HealthCheckRequest.all());
    assertThat(stored().owed()).singleElement().isInstanceOf(OwedStep.FailApprovalTask.class);
    for (int run = 0; run < 10; run++) {
      hc.run(HealthCheckRequest.all());
    }
    assertThat(tries).hasValue(8);
    assertThat(stored().taskToken()).isNull();
    assertThat(stored().owed()).isEmpty();
    assertThat(types()).contains("APPROVAL_TASK_RETRY", "APPROVAL_TASK_ABANDONED");
  }

  @Test
  void configOfAnotherRolloutIsLeftAlone() {
    running();
    config.publish(config(5).withVersions(config(5).versions()), ConfigPublisher.Speed.PLANNED, "setup");
    InMemoryConfigStore other = new InMemoryConfigStore(new RolloutConfig(1, APP, "next-rollout", 0, null,
        config(5).versions(), Map.of(), null, null, false));
    verdict.set(Outcome.REGRESSION);
    RolloutCheck c = check(other).run(HealthCheckRequest.all()).rollouts().get(0);
    assertThat(c.action()).isEqualTo(RolloutCheck.Action.ROLLED_BACK);
    assertThat(c.steps().get(1)).contains("not this one");
    assertThat(other.publications()).isEmpty();
  }

  @Test
  void namedUnknownRolloutIsNotFound() {
    HealthCheckReport r = check().run(new HealthCheckRequest(null, "nope"));
    assertThat(r.rollouts().get(0).action()).isEqualTo(RolloutCheck.Action.NOT_FOUND);
  }

  @Test
  void anAlertOwedByAnActiveRolloutIsDelivered() {
    RolloutState s = running();
    Alert owed = new Alert(Alert.Kind.APPROVAL_NEEDED, APP, s.rolloutId(), "approve stage 2?", "approval needed");
    store.replace(s.withOwed(List.of(new OwedStep.SendAlert(owed))), s.version());
    check().run(HealthCheckRequest.all());
    assertThat(alerts.delivered()).singleElement().satisfies(a -> assertThat(a.body()).isEqualTo("approval needed"));
    assertThat(stored().owed()).isEmpty();
  }
}
